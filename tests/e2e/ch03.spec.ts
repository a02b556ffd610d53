// Chapter 3, "Learning to point back": each figure's controls change what it shows, its state
// survives a round trip through the URL, malformed parameters leave a note, the keyboard works,
// and the training worker trains, pauses, samples and restarts.
import { test, expect, type Page, type Locator } from '@playwright/test';
import { watchPage, settle, pixels, slide } from './helpers';
import { expectNoSeriousA11yViolations } from './a11y';

const PATH = '/chapters/learning-to-point-back/';

/** The pixels of the n-th canvas inside a figure, as a data URL. */
/** Set a range input as a reader dragging it would. */
async function open(page: Page, query = '') {
  const watch = watchPage(page);
  await page.goto(PATH + query);
  await settle(page);
  return watch;
}

const num = (s: string | null) => Number((s ?? '').replace(/[^\d.]/g, ''));

test.describe('chapter 3', () => {
  test.use({ reducedMotion: 'reduce' });

  test('page renders its prose, numbered equations and three figures without errors', async ({ page }) => {
    const watch = await open(page);
    await expect(page.locator('h1')).toHaveText('Learning to point back');
    for (const id of ['#fig-targets', '#fig-field', '#fig-train']) await expect(page.locator(id)).toBeVisible();
    await expect(page.locator('#eq-loss')).toHaveCount(1);
    await expect(page.locator('a.eq-ref[href="#eq-loss"]').first()).toHaveText('(6)');
    await expect(page.locator('a.eq-ref[href="#eq-score"]').first()).toHaveText('(11)');
    await expect(page.locator('.katex-error')).toHaveCount(0);
    await expect(page.locator('.references li')).toHaveCount(9);
    await expectNoSeriousA11yViolations(page);
    expect(watch.errors).toEqual([]);
    expect(watch.external).toEqual([]);
  });

  test('Two targets: probe, t and resampling change the panels and the numbers; keyboard', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#fig-targets');
    await fig.scrollIntoViewIfNeeded();
    const t = fig.locator('input[type=range]');
    await expect(t).toHaveValue('100');
    const share = fig.locator('.nums tbody tr').nth(3).locator('td').first();
    const p0 = [await pixels(fig, 0), await pixels(fig, 1), await pixels(fig, 2)];
    const share0 = await share.textContent();

    // Move the noisy point with the keyboard: all three panels change.
    const probe = fig.getByRole('slider', { name: /Noisy point x_t/ });
    await probe.focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('Shift+ArrowUp');
    await expect(probe).toHaveAttribute('aria-valuetext', /\(0\.80, −?0\.45\)|\(0\.80, -0\.45\)/);
    for (let i = 0; i < 3; i++) expect(await pixels(fig, i)).not.toBe(p0[i]);

    // t: slider and figure keys (→ +5, Shift+→ +50, Home = 1, End = T).
    const before = await pixels(fig, 1);
    await slide(t, 400);
    await expect(t).toHaveValue('400');
    expect(await pixels(fig, 1)).not.toBe(before);
    await expect(share).not.toHaveText(share0 ?? '');
    await fig.focus();
    await page.keyboard.press('ArrowRight');
    await expect(t).toHaveValue('405');
    await page.keyboard.press('Shift+ArrowLeft');
    await expect(t).toHaveValue('355');
    await page.keyboard.press('Home');
    await expect(t).toHaveValue('1');
    await page.keyboard.press('End');
    await expect(t).toHaveValue('1000');

    // New examples: the sampled clouds change, the exact numbers do not.
    await slide(t, 100);
    const table = await fig.locator('.nums').textContent();
    const cloud = await pixels(fig, 2);
    await fig.getByRole('button', { name: 'New examples' }).click();
    expect(await pixels(fig, 2)).not.toBe(cloud);
    await expect(fig.locator('.nums')).toHaveText(table ?? '');

    // Clicking the left panel moves the point there.
    const box = (await fig.locator('.plot2d svg').first().boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await expect(probe).not.toHaveAttribute('aria-valuetext', /\(0\.80, −?0\.45\)/);
    await expect(page).toHaveURL(/tg\.x=/);
    expect(watch.errors).toEqual([]);
  });

  test('Two targets: URL state round trip and malformed values', async ({ page }) => {
    await open(page, '?tg.t=300&tg.x=-0.4&tg.y=0.6&tg.seed=7#fig-targets');
    const fig = page.locator('#fig-targets');
    await expect(fig.locator('input[type=range]')).toHaveValue('300');
    await expect(fig.getByRole('slider', { name: /Noisy point x_t/ })).toHaveAttribute('aria-valuetext', /\(−0\.40, 0\.60\)|\(-0\.40, 0\.60\)/);
    const a = await pixels(fig, 2);
    await open(page, '?tg.t=300&tg.x=-0.4&tg.y=0.6&tg.seed=7#fig-targets');
    expect(await pixels(fig, 2)).toBe(a);

    const watch = await open(page, '?tg.t=0&tg.x=banana&tg.y=9');
    const notes = fig.locator('.notes');
    await expect(notes).toContainText('tg.t=0');
    await expect(notes).toContainText('tg.x=banana');
    await expect(notes).toContainText('tg.y=9');
    await expect(fig.locator('input[type=range]')).toHaveValue('100');
    expect(watch.errors).toEqual([]);
  });

  test('Vector field: t and dataset change the arrows, particles flow, keyboard, fallback or learned field', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#fig-field');
    await fig.scrollIntoViewIfNeeded();
    const t = fig.locator('input[type=range]');
    await expect(t).toHaveValue('25');
    // The learned panel either shows the network's field or says clearly why it cannot.
    const learned = fig.getByRole('img', { name: /Learned vector field/ });
    const fallback = fig.getByText('The pre-trained network could not be loaded.');
    await expect(learned.or(fallback)).toBeVisible({ timeout: 15_000 });
    const hasNet = await learned.isVisible();

    const a = await pixels(fig, 0);
    await slide(t, 900);
    expect(await pixels(fig, 0)).not.toBe(a);
    await expect(fig.locator('.readout')).toContainText('every arrow points at one spot');
    if (hasNet) await expect(fig.locator('.readout')).toContainText('Median angle');

    await fig.focus();
    await page.keyboard.press('Home');
    await expect(t).toHaveValue('1');
    await expect(fig.locator('.readout')).toContainText('nearest part of the data');
    await page.keyboard.press('ArrowRight');
    await expect(t).toHaveValue('11');

    const moons0 = await pixels(fig, 0);
    await fig.getByLabel('Dataset', { exact: true }).selectOption('moons');
    expect(await pixels(fig, 0)).not.toBe(moons0);
    await expect(page).toHaveURL(/vf\.ds=moons/);

    // Particles: reduced motion means no autoplay; Play moves them, Pause stops them.
    await fig.getByLabel('Particles').check();
    await expect(page).toHaveURL(/vf\.flow=1/);
    const still = await pixels(fig, 0);
    await page.waitForTimeout(400);
    expect(await pixels(fig, 0)).toBe(still);
    await fig.getByRole('button', { name: 'Play' }).click();
    await expect.poll(async () => (await pixels(fig, 0)) !== still, { timeout: 5000 }).toBe(true);
    await fig.getByRole('button', { name: 'Pause' }).click();
    const paused = await pixels(fig, 0);
    await page.waitForTimeout(500);
    expect(await pixels(fig, 0)).toBe(paused);
    expect(watch.errors).toEqual([]);
  });

  test('Vector field: URL state and malformed values', async ({ page }) => {
    await open(page, '?vf.t=750&vf.ds=checkerboard#fig-field');
    const fig = page.locator('#fig-field');
    await expect(fig.locator('input[type=range]')).toHaveValue('750');
    await expect(fig.getByLabel('Dataset', { exact: true })).toHaveValue('checkerboard');
    await expect(fig.getByRole('img', { name: /Ideal vector field at t = 750 for the Checkerboard/ })).toHaveCount(1);
    const watch = await open(page, '?vf.t=1e9&vf.ds=donut&vf.flow=maybe');
    await expect(fig.locator('.notes')).toContainText('vf.t=1e9');
    await expect(fig.locator('.notes')).toContainText('vf.ds=donut');
    await expect(fig.locator('.notes')).toContainText('vf.flow=maybe');
    await expect(fig.getByLabel('Dataset', { exact: true })).toHaveValue('spiral');
    expect(watch.errors).toEqual([]);
  });

  test('Train it yourself: trains, pauses, samples, restarts; controls and URL', async ({ page }) => {
    test.setTimeout(120_000);
    const watch = await open(page, '?tr.t=500#fig-train');
    const fig = page.locator('#fig-train');
    await fig.scrollIntoViewIfNeeded();
    const steps = fig.locator('.stats div').nth(0).locator('dd');
    // Coming into view starts the worker and draws the untrained network's field.
    await expect(fig.getByText('field −ε̂ at t = 500')).toBeVisible({ timeout: 20_000 });
    await expect(fig.getByText('Press Train to start from a random network.')).toBeVisible();
    const untrained = await pixels(fig, 0);

    await fig.getByRole('button', { name: 'Train', exact: true }).first().click();
    await expect.poll(async () => num(await steps.textContent()), { timeout: 20_000 }).toBeGreaterThan(20);
    await expect(fig.getByRole('img', { name: /Training loss against step/ })).toBeVisible();
    await expect.poll(async () => (await pixels(fig, 0)) !== untrained, { timeout: 10_000 }).toBe(true);
    expect(num(await fig.locator('.stats div').nth(1).locator('dd').textContent())).toBeGreaterThan(0);

    // Pause (Space on the figure): the step count stops.
    await fig.focus();
    await page.keyboard.press('Space');
    await expect(fig.getByRole('button', { name: 'Train' }).first()).toBeVisible();
    // The worker's last progress message (steps taken before it saw the pause) may still be on its way.
    let prev: string | null = null;
    await expect
      .poll(async () => {
        const cur = await steps.textContent();
        const same = cur === prev;
        prev = cur;
        return same;
      }, { intervals: [500], timeout: 10_000 })
      .toBe(true);
    const stopped = await steps.textContent();
    await page.waitForTimeout(800);
    await expect(steps).toHaveText(stopped ?? '');

    // DDPM samples and their distance to the data.
    await fig.getByRole('button', { name: 'Draw samples' }).click();
    await expect(fig.locator('.ratio')).toContainText(/SW distance \/ noise floor = [\d.]+×/, { timeout: 30_000 });
    await expect(fig.getByRole('img', { name: /samples drawn from the network/ })).toHaveCount(1);

    // The t slider redraws the field.
    const at500 = await pixels(fig, 0);
    await slide(fig.getByRole('slider', { name: 'Field at t' }), 50);
    expect(await pixels(fig, 0)).not.toBe(at500);
    await expect(page).toHaveURL(/tr\.t=50/);

    // Restart from scratch: back to step 0, samples gone.
    await fig.getByRole('button', { name: 'Restart from scratch' }).click();
    await expect(steps).toHaveText('0');
    await expect(fig.locator('.ratio')).not.toContainText('SW distance');

    // Learning rate and batch size go into the URL.
    await slide(fig.getByRole('slider', { name: 'Learning rate' }), -3);
    await slide(fig.getByRole('slider', { name: 'Batch size' }), 1);
    await expect(page).toHaveURL(/tr\.lr=0\.001/);
    await expect(page).toHaveURL(/tr\.batch=64/);

    // Another dataset re-initialises the network and the picture.
    const spiral = await pixels(fig, 0);
    await fig.getByLabel('Dataset', { exact: true }).selectOption('gmm');
    await expect.poll(async () => (await pixels(fig, 0)) !== spiral, { timeout: 10_000 }).toBe(true);
    expect(watch.errors).toEqual([]);
  });

  test('Train it yourself: URL state and malformed values', async ({ page }) => {
    await open(page, '?tr.ds=moons&tr.lr=0.001&tr.batch=512&tr.t=250#fig-train');
    const fig = page.locator('#fig-train');
    await expect(fig.getByLabel('Dataset', { exact: true })).toHaveValue('moons');
    await expect(fig.getByRole('slider', { name: 'Field at t' })).toHaveValue('250');
    await expect(fig.locator('output').filter({ hasText: /^0\.001$/ })).toHaveCount(1);
    await expect(fig.locator('output').filter({ hasText: /^512$/ })).toHaveCount(1);
    const watch = await open(page, '?tr.ds=mnist&tr.lr=5&tr.batch=lots');
    await expect(fig.locator('.notes')).toContainText('tr.ds=mnist');
    await expect(fig.locator('.notes')).toContainText('tr.lr=5');
    await expect(fig.locator('.notes')).toContainText('tr.batch=lots');
    await expect(fig.getByLabel('Dataset', { exact: true })).toHaveValue('spiral');
    expect(watch.errors).toEqual([]);
  });

  test('Train it yourself: draw a dataset with mouse and keyboard, too few points, then train on it', async ({ page }) => {
    test.setTimeout(90_000);
    const watch = await open(page, '?tr.ds=drawn#fig-train');
    const fig = page.locator('#fig-train');
    await fig.scrollIntoViewIfNeeded();
    await expect(fig.getByText('Drawings are not stored in the link.')).toBeVisible();
    await expect(fig.getByText('Draw a shape here.')).toBeVisible();
    const use = fig.getByRole('button', { name: 'Use this drawing' });
    await expect(use).toBeDisabled();

    // A short mouse stroke: too few points, and the message says so.
    const pad = fig.locator('.pad svg');
    const b = (await pad.boundingBox())!;
    await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.53, b.y + b.height * 0.5, { steps: 4 });
    await page.mouse.up();
    await expect(fig.getByText(/Too few points: \d+ drawn, at least 30 needed/)).toBeVisible();
    await expect(use).toBeDisabled();

    // A longer stroke with the keyboard: Space puts the pen down, arrows draw, Space lifts it.
    await fig.locator('.pad').focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+ArrowRight');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowUp');
    await page.keyboard.press('Space');
    await expect(fig.getByText(/2 strokes, \d+ points/)).toBeVisible();
    await expect(use).toBeEnabled();

    // Undo removes the last stroke; Clear empties the pad.
    await fig.getByRole('button', { name: 'Undo' }).click();
    await expect(use).toBeDisabled();
    await fig.getByRole('button', { name: 'Clear' }).click();
    await expect(fig.getByText('Draw a shape here.')).toBeVisible();

    // The example heart, then train on it.
    await fig.getByRole('button', { name: 'Example: a heart' }).click();
    await expect(use).toBeEnabled();
    await use.click();
    await expect(fig.getByRole('img', { name: /Your drawing dataset/ })).toBeVisible();
    await fig.getByRole('button', { name: 'Train', exact: true }).first().click();
    const steps = fig.locator('.stats div').nth(0).locator('dd');
    await expect.poll(async () => num(await steps.textContent()), { timeout: 20_000 }).toBeGreaterThan(10);
    await fig.getByRole('button', { name: 'Pause' }).first().click();
    await fig.getByRole('button', { name: 'Edit drawing' }).click();
    await expect(fig.locator('.pad')).toBeVisible();
    await expect(page).toHaveURL(/tr\.ds=drawn/);
    expect(watch.errors).toEqual([]);
  });

  test('phone width: figures fit without horizontal scrolling', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page);
    for (const id of ['#fig-targets', '#fig-field', '#fig-train']) {
      const fig = page.locator(id);
      await fig.scrollIntoViewIfNeeded();
      const box = (await fig.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(-1);
      expect(box.x + box.width).toBeLessThanOrEqual(391);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
