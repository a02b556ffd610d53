// Chapter 2, "Adding noise is a random walk": each figure's controls change what it shows, its
// state survives a round trip through the URL, malformed parameters leave a note, and the
// keyboard works.
import { test, expect, type Page, type Locator } from '@playwright/test';
import { watchPage, settle, slide } from './helpers';
import { expectNoSeriousA11yViolations } from './a11y';

const PATH = '/chapters/adding-noise/';

/** The pixels of the n-th canvas inside a figure, as a data URL. */
async function pixels(fig: Locator, n = 0): Promise<string> {
  await fig.page().waitForTimeout(120); // Plot2D redraws on the next animation frame
  return fig.locator('canvas').nth(n).evaluate((c: HTMLCanvasElement) => c.toDataURL());
}

/** Set a range input as a reader dragging it would. */
async function open(page: Page, query = '') {
  const watch = watchPage(page);
  await page.goto(PATH + query);
  await settle(page);
  return watch;
}

test.describe('chapter 2', () => {
  test.use({ reducedMotion: 'reduce' });

  test('page renders its prose, numbered equations and three figures without errors', async ({ page }) => {
    const watch = await open(page);
    await expect(page.locator('h1')).toHaveText('Adding noise is a random walk');
    await expect(page.locator('#fig-walk')).toBeVisible();
    await expect(page.locator('#fig-two-roads')).toBeVisible();
    await expect(page.locator('#fig-schedules')).toBeVisible();
    await expect(page.locator('#eq-jump')).toHaveCount(1);
    await expect(page.locator('a.eq-ref[href="#eq-jump"]').first()).toHaveText('(6)');
    await expect(page.locator('a.eq-ref[href="#eq-step"]').first()).toHaveText('(1)');
    await expect(page.locator('.references li')).toHaveCount(8);
    await expect(page.locator('#fig-two-roads .verdict')).toContainText('Same distribution', { timeout: 20_000 });
    await expectNoSeriousA11yViolations(page);
    expect(watch.errors).toEqual([]);
    expect(watch.external).toEqual([]);
  });

  test('Brownian motion: steps, scrubbing back reproduces the same cloud, keyboard and play', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#fig-walk');
    await fig.scrollIntoViewIfNeeded();
    const t = fig.locator('input[type=range]').first();
    await expect(fig.getByText('Preparing the walk…')).toHaveCount(0, { timeout: 20_000 });
    // Reduced motion: no autoplay.
    await page.waitForTimeout(400);
    await expect(t).toHaveValue('0');
    const atZero = await pixels(fig);

    await fig.getByRole('button', { name: '25 steps forward' }).click();
    await expect(t).toHaveValue('25');
    expect(await pixels(fig)).not.toBe(atZero);

    // Scrub to 300, away to 730 and back: the recorded walk gives the identical picture.
    await slide(t, 300);
    await expect(t).toHaveValue('300');
    const at300 = await pixels(fig);
    await slide(t, 730);
    const at730 = await pixels(fig);
    expect(at730).not.toBe(at300);
    await slide(t, 300);
    expect(await pixels(fig)).toBe(at300);
    await expect(fig.locator('.readout')).toContainText('t = 300');

    // Keyboard on the figure: → one step, Shift+→ 25, Home to the data, End to noise.
    await fig.focus();
    await page.keyboard.press('ArrowRight');
    await expect(t).toHaveValue('301');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(t).toHaveValue('326');
    await page.keyboard.press('ArrowLeft');
    await expect(t).toHaveValue('325');
    await page.keyboard.press('Home');
    await expect(t).toHaveValue('0');
    expect(await pixels(fig)).toBe(atZero);
    await page.keyboard.press('End');
    await expect(t).toHaveValue('1000');
    // At t = T the cloud is close to N(0, I).
    const std = await fig.locator('.readout').textContent();
    const m = /cloud std\s*([\d.]+) × ([\d.]+)/.exec(std ?? '');
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) - 1)).toBeLessThan(0.1);
    expect(Math.abs(Number(m![2]) - 1)).toBeLessThan(0.1);

    // Play from the start (reduced motion: discrete jumps), then pause.
    await page.keyboard.press('Home');
    await fig.getByRole('button', { name: 'Play' }).click();
    await expect.poll(async () => Number(await t.inputValue()), { timeout: 5000 }).toBeGreaterThan(0);
    await fig.getByRole('button', { name: 'Pause' }).click();
    const paused = await t.inputValue();
    await page.waitForTimeout(900);
    await expect(t).toHaveValue(paused);

    // Schedule and dataset change the picture.
    await slide(t, 200);
    const linear = await pixels(fig);
    await fig.getByLabel('Schedule', { exact: true }).selectOption('cosine');
    await expect(fig.getByText('Preparing the walk…')).toHaveCount(0, { timeout: 20_000 });
    expect(await pixels(fig)).not.toBe(linear);
    await fig.getByLabel('Show 4 particles’ paths').uncheck();
    await expect(page).toHaveURL(/walk\.paths=0/);
    expect(watch.errors).toEqual([]);
  });

  test('Brownian motion: state in the URL, malformed values leave a note', async ({ page }) => {
    await open(page, '?walk.t=640&walk.sched=scaled-linear&walk.data=moons&walk.n=2000#fig-walk');
    const fig = page.locator('#fig-walk');
    await expect(fig.locator('input[type=range]').first()).toHaveValue('640');
    await expect(fig.getByLabel('Schedule', { exact: true })).toHaveValue('scaled-linear');
    await expect(fig.getByLabel('Data', { exact: true })).toHaveValue('moons');
    await expect(fig.getByText('Preparing the walk…')).toHaveCount(0, { timeout: 20_000 });
    await expect(fig.locator('.readout')).toContainText('t = 640');

    const watch = await open(page, '?walk.t=banana&walk.n=3&walk.sched=quadratic');
    const notes = fig.locator('.notes');
    await expect(notes).toContainText('walk.t=banana');
    await expect(notes).toContainText('walk.n=3');
    await expect(notes).toContainText('walk.sched=quadratic');
    await expect(fig.locator('input[type=range]').first()).toHaveValue('0');
    await expect(fig.getByText('Preparing the walk…')).toHaveCount(0, { timeout: 20_000 });
    expect(watch.errors).toEqual([]);
  });

  test('Brownian motion autoplays when seen, unless the reader prefers reduced motion', async ({ page }) => {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await open(page);
    const fig = page.locator('#fig-walk');
    await fig.scrollIntoViewIfNeeded();
    const t = fig.locator('input[type=range]').first();
    await expect.poll(async () => Number(await t.inputValue()), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect(fig.getByRole('button', { name: 'Pause' })).toBeVisible();
  });

  test('Two roads: both clouds follow t, the readout updates, the walk matches the jump', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#fig-two-roads');
    await fig.scrollIntoViewIfNeeded();
    await expect(fig.locator('.verdict')).toContainText('Same distribution', { timeout: 20_000 });
    const t = fig.locator('input[type=range]').first();
    await expect(t).toHaveValue('50');
    await expect(fig.locator('.dist-head')).toContainText('t = 50');
    const jump0 = await pixels(fig, 0), walk0 = await pixels(fig, 1);
    const sw0 = await fig.locator('.sw b').first().textContent();

    await fig.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await expect(t).toHaveValue('150');
    expect(await pixels(fig, 0)).not.toBe(jump0);
    expect(await pixels(fig, 1)).not.toBe(walk0);
    await expect(fig.locator('.dist-head')).toContainText('t = 150');
    await expect(fig.locator('.sw b').first()).not.toHaveText(sw0 ?? '');

    // At every t the walk is as close to the jump as sampling noise allows.
    for (const tt of [50, 150, 400, 1000]) {
      await slide(t, tt);
      await expect(fig.locator('caption')).toContainText(`t = ${tt}`);
      await expect(fig.locator('.dist-head')).toContainText(`t = ${tt}`);
      const [sw, floor] = (await fig.locator('.sw b').allTextContents()).map(Number);
      expect(sw).toBeLessThanOrEqual(2 * floor + 1e-3);
    }
    // Theory, jump and walk agree on the variances at t = T.
    const cells = await fig.locator('.moments tbody tr').nth(2).locator('td').allTextContents();
    const [th, jv, wv] = cells.map(Number);
    expect(Math.abs(jv - th)).toBeLessThan(0.12);
    expect(Math.abs(wv - th)).toBeLessThan(0.12);

    await page.keyboard.press('Home');
    await expect(t).toHaveValue('0');
    await expect(fig.locator('.verdict')).toContainText('still the data');
    expect(watch.errors).toEqual([]);
  });

  test('Two roads: URL state and malformed values', async ({ page }) => {
    await open(page, '?roads.t=650&roads.sched=cosine&roads.n=1000#fig-two-roads');
    const fig = page.locator('#fig-two-roads');
    await expect(fig.locator('input[type=range]').first()).toHaveValue('650');
    await expect(fig.getByLabel('Schedule', { exact: true })).toHaveValue('cosine');
    await expect(fig.locator('.verdict')).toContainText('Same distribution', { timeout: 20_000 });
    await expect(fig.getByRole('img', { name: /Closed-form jump: 1000 spiral points/ })).toHaveCount(1);

    const watch = await open(page, '?roads.t=-5&roads.sched=zigzag');
    await expect(fig.locator('.notes')).toContainText('roads.t=-5');
    await expect(fig.locator('.notes')).toContainText('roads.sched=zigzag');
    await expect(fig.locator('input[type=range]').first()).toHaveValue('50');
    expect(watch.errors).toEqual([]);
  });

  test('Schedules: marker, picker and sample clouds respond; URL round trip; keyboard', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#fig-schedules');
    await fig.scrollIntoViewIfNeeded();
    const t = fig.locator('input[type=range]').first();
    await expect(t).toHaveValue('25');
    await expect(fig.locator('canvas')).toHaveCount(3);
    await expect(fig.locator('.readout tbody tr')).toHaveCount(3);
    const before = await pixels(fig, 0);
    const marker = fig.locator('line.marker').first();
    const x25 = Number(await marker.getAttribute('x1'));
    const abar = await fig.locator('.readout tbody tr').first().locator('td').nth(1).textContent();

    // On a loaded machine the first key can land before the figure listens: retry until a step lands.
    await expect(async () => {
      const v0 = Number(await t.inputValue());
      await fig.focus();
      await page.keyboard.press('ArrowRight');
      await expect(t).toHaveValue(String(v0 + 10), { timeout: 1500 });
    }).toPass({ timeout: 15_000 });
    const v1 = Number(await t.inputValue());
    await page.keyboard.press('Shift+ArrowRight');
    await expect(t).toHaveValue(String(v1 + 100));
    const tNow = v1 + 100;
    expect(Number(await marker.getAttribute('x1'))).toBeGreaterThan(x25);
    expect(await pixels(fig, 0)).not.toBe(before);
    await expect(fig.locator('.readout tbody tr').first().locator('td').nth(1)).not.toHaveText(abar ?? '');

    await fig.getByLabel('Show', { exact: true }).selectOption('cosine');
    await expect(fig.locator('canvas')).toHaveCount(1);
    await expect(fig.locator('.readout tbody tr')).toHaveCount(1);
    await expect(fig.locator('.readout tbody th')).toHaveText('cosine');
    await expect(page).toHaveURL(/sch\.show=cosine/);
    await expect(page).toHaveURL(new RegExp(`sch\\.t=${tNow}(&|$)`));

    // Linear at t = 1000 has ᾱ ≈ 4e-5; scaled-linear keeps about 0.005.
    await open(page, '?sch.t=1000&sch.show=scaled-linear');
    await expect(t).toHaveValue('1000');
    await expect(fig.getByLabel('Show', { exact: true })).toHaveValue('scaled-linear');
    const kept = Number(await fig.locator('.readout tbody tr').first().locator('td').nth(1).textContent());
    expect(kept).toBeGreaterThan(0.003);
    expect(kept).toBeLessThan(0.007);

    await open(page, '?sch.t=2000&sch.show=exponential');
    await expect(fig.locator('.notes')).toContainText('sch.t=2000');
    await expect(fig.locator('.notes')).toContainText('sch.show=exponential');
    await expect(t).toHaveValue('25');
    await expect(fig.locator('canvas')).toHaveCount(3);
    expect(watch.errors).toEqual([]);
  });

  test('figures fit a 390 px wide phone screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page);
    for (const id of ['#fig-walk', '#fig-two-roads', '#fig-schedules']) {
      const box = await page.locator(id).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(-1);
      expect(box!.x + box!.width).toBeLessThanOrEqual(391);
    }
    const scrollW = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollW).toBeLessThanOrEqual(390);
  });
});
