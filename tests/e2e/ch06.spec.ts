// Chapter 6, "Guidance": each figure's controls change what it shows, its state survives a round
// trip through the URL, malformed parameters leave a note, the keyboard works, the downloads are
// well-formed files, the accuracy-vs-w chart completes, and axe finds nothing serious.
import { readFileSync } from 'node:fs';
import { test, expect, type Page, type Locator } from '@playwright/test';
import { watchPage, settle, pixels, slide, openPage } from './helpers';
import { expectNoSeriousA11yViolations } from './a11y';

const PATH = '/chapters/guidance/';

const open = (page: Page, query = '', hash = '') => openPage(page, PATH + query + hash);

/** The guided arrow's end point in SVG pixels (changes whenever any arrow changes). */
async function guidedTip(fig: Locator): Promise<string> {
  const l = fig.getByTestId('arrow-guided');
  await expect(l).toHaveCount(1);
  return `${await l.getAttribute('x2')},${await l.getAttribute('y2')}`;
}

/** Figure 2 has finished sampling (downloads enabled, no "Sampling…"). */
async function sampled(fig: Locator) {
  await expect(fig.getByRole('button', { name: 'Download samples' })).toBeEnabled({ timeout: 30_000 });
  await expect(fig.getByText('Sampling…')).toHaveCount(0, { timeout: 30_000 });
}

/** Figure 3 has computed all eight values of w. */
async function swept(fig: Locator) {
  await expect(fig.getByTestId('cfgc-done')).toBeVisible({ timeout: 45_000 });
  await expect(fig.getByTestId('cfgc-table').locator('tbody tr')).toHaveCount(8);
}

test.describe('chapter 6', () => {
  test.use({ reducedMotion: 'reduce' });

  test('renders prose, numbered equations, references and three figures without errors', async ({ page }) => {
    const watch = await open(page);
    await expect(page.locator('h1')).toHaveText('Guidance');
    for (const id of ['#cfg-arrows', '#cfg-sample', '#cfg-sweep']) await expect(page.locator(id)).toBeVisible();
    await expect(page.locator('a.eq-ref[href="#eq-cfg"]').first()).toHaveText('(4)');
    await expect(page.locator('a.eq-ref[href="#eq-negative"]').first()).toHaveText('(6)');
    await expect(page.locator('.references li')).toHaveCount(6);
    await expect(page.locator('.references')).toContainText('Classifier-free diffusion guidance');
    await expect(page.locator('.references')).toContainText('Diffusion models beat GANs');
    await sampled(page.locator('#cfg-sample'));
    await page.locator('#cfg-sweep').scrollIntoViewIfNeeded();
    await swept(page.locator('#cfg-sweep'));
    await expectNoSeriousA11yViolations(page);
    expect(watch.errors).toEqual([]);
    expect(watch.external).toEqual([]);
  });

  test('arrows figure: probe keys, t, w, class, source and negative class all change the arrows', async ({ page }) => {
    const watch = await open(page, '', '#cfg-arrows');
    const fig = page.locator('#cfg-arrows');
    await fig.scrollIntoViewIfNeeded();
    for (const id of ['arrow-uncond', 'arrow-cond', 'arrow-diff', 'arrow-guided']) await expect(fig.getByTestId(id)).toHaveCount(1, { timeout: 15_000 });
    const x0g = fig.getByTestId('cfga-x0g');
    let tip = await guidedTip(fig);

    // Arrow keys on the probe move it (0.02, Shift 0.1) and the arrows follow; the URL records it.
    const probe = fig.getByRole('slider', { name: 'Probe point x_t' });
    await probe.focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('ArrowUp');
    await expect(probe).toHaveAttribute('aria-valuetext', /at \(0\.20, -0\.33\)/);
    await expect.poll(() => guidedTip(fig)).not.toBe(tip);
    await expect.poll(() => page.url()).toContain('cfga.px=0.2');

    // w: the guided arrow moves, the other three stay.
    tip = await guidedTip(fig);
    const cond = await fig.getByTestId('arrow-cond').getAttribute('x2');
    await slide(fig.getByLabel('Guidance w'), 6);
    await expect.poll(() => guidedTip(fig)).not.toBe(tip);
    expect(await fig.getByTestId('arrow-cond').getAttribute('x2')).toBe(cond);
    // w = 1: the guided arrow is the conditional one
    await slide(fig.getByLabel('Guidance w'), 1);
    await expect.poll(async () => Math.abs(Number((await guidedTip(fig)).split(',')[0]) - Number(cond))).toBeLessThan(0.01);

    await slide(fig.getByLabel('Guidance w'), 3);
    for (const [label, value] of [['Class c', 'dog'], ['In place of ∅', 'person'], ['Predictions from', 'ideal']] as const) {
      const before = await x0g.textContent();
      await fig.getByLabel(label, { exact: true }).selectOption(value);
      await expect(x0g).not.toHaveText(before!);
    }
    // t, by the slider and by the figure's keys
    let before = await x0g.textContent();
    await slide(fig.getByLabel('Time t'), 80);
    await expect(x0g).not.toHaveText(before!);
    await fig.focus();
    await page.keyboard.press('ArrowRight');
    await expect(fig.getByLabel('Time t')).toHaveValue('90');
    await page.keyboard.press('End');
    await expect(fig.getByLabel('Time t')).toHaveValue('1000');

    // clicking the plot moves the probe there
    before = await probe.getAttribute('aria-valuetext');
    const svg = fig.locator('.plot2d > svg');
    const box = (await svg.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.3);
    await expect(probe).not.toHaveAttribute('aria-valuetext', before!);
    expect(watch.errors).toEqual([]);
  });

  test('arrows figure: a link reproduces the state; malformed parameters leave a note', async ({ page }) => {
    const q = '?cfga.px=-0.4&cfga.py=0.25&cfga.t=150&cfga.cls=person&cfga.w=5.5&cfga.src=ideal&cfga.neg=dog';
    await open(page, q, '#cfg-arrows');
    const fig = page.locator('#cfg-arrows');
    await expect(fig.getByRole('slider', { name: 'Probe point x_t' })).toHaveAttribute('aria-valuetext', /at \(-0\.40, 0\.25\)/);
    await expect(fig.getByLabel('Time t')).toHaveValue('150');
    await expect(fig.getByLabel('Guidance w')).toHaveValue('5.5');
    await expect(fig.getByLabel('Class c', { exact: true })).toHaveValue('person');
    await expect(fig.getByLabel('In place of ∅', { exact: true })).toHaveValue('dog');
    await expect(fig.getByLabel('Predictions from', { exact: true })).toHaveValue('ideal');
    const tip = await guidedTip(fig);
    const x0 = await fig.getByTestId('cfga-x0g').textContent();
    const page2 = await page.context().newPage();
    await page2.goto(PATH + q + '#cfg-arrows');
    await settle(page2);
    expect(await guidedTip(page2.locator('#cfg-arrows'))).toBe(tip);
    await expect(page2.locator('#cfg-arrows').getByTestId('cfga-x0g')).toHaveText(x0!);
    await page2.close();

    const watch = watchPage(page);
    await page.goto(PATH + '?cfga.w=huge&cfga.t=0&cfga.cls=horse#cfg-arrows');
    await settle(page);
    const notes = fig.locator('.notes');
    await expect(notes).toContainText('Ignored “cfga.w=huge”');
    await expect(notes).toContainText('cfga.t=0');
    await expect(notes).toContainText('cfga.cls=horse');
    await expect(fig.getByLabel('Guidance w')).toHaveValue('3');
    await expect(fig.getByLabel('Class c', { exact: true })).toHaveValue('cat');
    expect(watch.errors).toEqual([]);
  });

  test('sampling figure: no autoplay, step scrubber, keyboard, play, w and negative class', async ({ page }) => {
    const watch = await open(page, '', '#cfg-sample');
    const fig = page.locator('#cfg-sample');
    await fig.scrollIntoViewIfNeeded();
    await sampled(fig);
    const stepEl = fig.getByTestId('cfgs-step');
    await page.waitForTimeout(400);
    await expect(stepEl).toHaveText('100 / 100'); // final samples shown; reduced motion: nothing plays
    const end = await pixels(fig);
    // the default: nearly all samples on the cat arm
    expect(parseFloat((await fig.getByTestId('cfgs-on-cat').textContent())!)).toBeGreaterThanOrEqual(90);

    const stepSlider = fig.getByLabel('Step', { exact: true });
    await slide(stepSlider, 0);
    await expect(stepEl).toHaveText('0 / 100');
    const noise = await pixels(fig);
    expect(noise).not.toBe(end);
    await fig.getByRole('button', { name: 'Next step' }).click();
    await expect(stepEl).toHaveText('1 / 100');
    await fig.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await expect(stepEl).toHaveText('11 / 100');
    await page.keyboard.press('End');
    await expect(stepEl).toHaveText('100 / 100');
    expect(await pixels(fig)).toBe(end); // recorded: scrubbing back to the end gives the same picture
    await page.keyboard.press('Home');
    await expect(stepEl).toHaveText('0 / 100');
    await fig.getByRole('button', { name: 'Play' }).click();
    await expect(stepEl).toHaveText('100 / 100', { timeout: 15_000 });

    // w = 0: the unconditional model, about a third on each arm
    await slide(fig.getByLabel('Guidance w'), 0);
    await sampled(fig);
    await expect.poll(async () => parseFloat((await fig.getByTestId('cfgs-on-cat').textContent())!)).toBeLessThan(50);
    expect(await pixels(fig)).not.toBe(end);
    await expect.poll(() => page.url()).toContain('cfgs.w=0');

    // "anything but cat": class none, negative class cat, w = 1.25: fewer cats than the unconditional third
    await slide(fig.getByLabel('Guidance w'), 1.25);
    await fig.getByLabel('Class c', { exact: true }).selectOption('none');
    await fig.getByLabel('In place of ∅', { exact: true }).selectOption('cat');
    await sampled(fig);
    await expect.poll(async () => parseFloat((await fig.getByTestId('cfgs-on-cat').textContent())!)).toBeLessThan(25);
    await expect.poll(() => page.url()).toContain('cfgs.neg=cat');
    expect(watch.errors).toEqual([]);
  });

  test('sampling figure: URL state reproduces the picture; bad seed and malformed parameters', async ({ page }) => {
    const q = '?cfgs.w=5&cfgs.cls=dog&cfgs.src=ideal&cfgs.steps=20&cfgs.seed=7&cfgs.k=12';
    await open(page, q, '#cfg-sample');
    const fig = page.locator('#cfg-sample');
    await sampled(fig);
    await expect(fig.getByLabel('Class c', { exact: true })).toHaveValue('dog');
    await expect(fig.getByLabel('Predictions from', { exact: true })).toHaveValue('ideal');
    await expect(fig.getByLabel('Sampling steps', { exact: true })).toHaveValue('20');
    await expect(fig.getByLabel('Seed', { exact: true })).toHaveValue('7');
    await expect(fig.getByTestId('cfgs-step')).toHaveText('12 / 20');
    const a = await pixels(fig);
    const page2 = await page.context().newPage();
    await page2.goto(PATH + q + '#cfg-sample');
    await settle(page2);
    const fig2 = page2.locator('#cfg-sample');
    await sampled(fig2);
    expect(await pixels(fig2)).toBe(a);
    await page2.close();

    const seed = fig.getByLabel('Seed', { exact: true });
    await seed.fill('seven');
    await seed.press('Enter');
    await expect(fig.getByRole('alert')).toContainText('whole number from 0 to 99999');
    await seed.fill('8');
    await seed.press('Enter');
    await expect(fig.getByRole('alert')).toHaveCount(0);
    await expect.poll(() => page.url()).toContain('cfgs.seed=8');

    const watch = watchPage(page);
    await page.goto(PATH + '?cfgs.steps=3&cfgs.src=gpt&cfgs.w=1e9#cfg-sample');
    await settle(page);
    await sampled(fig);
    await expect(fig.locator('.notes')).toContainText('cfgs.steps=3');
    await expect(fig.locator('.notes')).toContainText('cfgs.src=gpt');
    await expect(fig.locator('.notes')).toContainText('cfgs.w=1e9');
    await expect(fig.getByLabel('Sampling steps', { exact: true })).toHaveValue('100');
    expect(watch.errors).toEqual([]);
  });

  test('sampling figure: Download samples (CSV) and Download trajectory (JSON) are well formed', async ({ page }) => {
    await open(page, '?cfgs.steps=20&cfgs.seed=3&cfgs.w=2', '#cfg-sample');
    const fig = page.locator('#cfg-sample');
    await sampled(fig);

    const [csvDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download samples' }).click()]);
    expect(csvDl.suggestedFilename()).toBe('guided-mlp-cat-w2-steps20-seed3-samples.csv');
    const csv = readFileSync((await csvDl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('x1,x2,arm');
    expect(csv.length).toBe(601);
    let cats = 0;
    for (const line of csv.slice(1)) {
      const cells = line.split(',').map(Number);
      expect(cells.length).toBe(3);
      expect(Number.isFinite(cells[0]) && Number.isFinite(cells[1])).toBe(true);
      expect([-1, 0, 1, 2]).toContain(cells[2]);
      if (cells[2] === 1) cats++;
    }
    expect(cats).toBeGreaterThan(300);

    const [jsonDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download trajectory' }).click()]);
    expect(jsonDl.suggestedFilename()).toBe('guided-mlp-cat-w2-steps20-seed3-trajectory.json');
    const j = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8'));
    expect(j.format).toBe('diffusion-explorables/trajectory@1');
    expect(j.n).toBe(600);
    expect(j.t.length).toBe(21);
    expect(j.t[0]).toBe(1000);
    expect(j.t[20]).toBe(0);
    expect(j.steps.length).toBe(21);
    for (const st of j.steps) {
      expect(st.length).toBe(1200);
      expect(st.every((x: number) => Number.isFinite(x))).toBe(true);
    }
    expect(j.meta).toMatchObject({ dataset: 'spiral3', source: 'mlp', class: 'cat', w: 2, steps: 20, seed: 3, sampler: 'ddpm' });
    // the last state of the trajectory is the downloaded samples
    const row1 = csv[1].split(',').map(Number);
    expect(row1[0]).toBeCloseTo(j.steps[20][0], 4);
    expect(row1[1]).toBeCloseTo(j.steps[20][1], 4);
  });

  test('accuracy chart: progress, completion, guidance raises accuracy and lowers coverage; controls and URL', async ({ page }) => {
    const watch = await open(page, '?cfgc.steps=50', '#cfg-sweep');
    const fig = page.locator('#cfg-sweep');
    await fig.scrollIntoViewIfNeeded();
    // Progress shows while it runs; on a quiet machine the sweep may already be done by now.
    await expect(fig.locator('progress').or(fig.getByTestId('cfgc-done'))).toBeVisible({ timeout: 10_000 });
    await swept(fig);
    await expect(fig.locator('progress')).toHaveCount(0);
    const rows = fig.getByTestId('cfgc-table').locator('tbody tr');
    const cell = async (r: number, c: number) => parseFloat((await rows.nth(r).locator('td').nth(c).textContent())!);
    // w = 0, 0.5, 1, 2, 3, 5, 7.5, 10
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('0');
    expect(await rows.nth(7).locator('td').first().textContent()).toBe('10');
    expect(await cell(3, 1)).toBeGreaterThan(await cell(0, 1) + 40); // accuracy at w = 2 ≫ w = 0
    expect(await cell(7, 3)).toBeLessThan((await cell(2, 3)) - 0.3); // coverage at w = 10 ≪ w = 1
    const chart = fig.locator('svg[role=img]');
    await expect(chart.locator('circle')).toHaveCount(24);
    const paths = await chart.locator('path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d')).join('|'));

    await fig.getByLabel('Predictions from', { exact: true }).selectOption('ideal');
    await swept(fig);
    await expect.poll(() => page.url()).toContain('cfgc.src=ideal');
    expect(await chart.locator('path').evaluateAll((ps) => ps.map((p) => p.getAttribute('d')).join('|'))).not.toBe(paths);
    expect(watch.errors).toEqual([]);

    await page.goto(PATH + '?cfgc.cls=horse#cfg-sweep');
    await settle(page);
    await expect(fig.locator('.notes')).toContainText('cfgc.cls=horse');
  });

  test('fits a 390 px phone and can present full screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page);
    for (const id of ['#cfg-arrows', '#cfg-sample', '#cfg-sweep']) {
      const fig = page.locator(id);
      await fig.scrollIntoViewIfNeeded();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
    }
    const fig = page.locator('#cfg-sample');
    await fig.getByRole('button', { name: 'Present' }).click();
    await expect(fig).toHaveClass(/presenting/);
    await fig.getByRole('button', { name: 'Exit' }).click();
    await expect(fig).not.toHaveClass(/presenting/);
  });
});
