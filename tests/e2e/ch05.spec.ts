// Chapter 5, "DDIM and the probability-flow ODE": each figure's controls change what it shows,
// its state survives a round trip through the URL, malformed parameters leave a note, the keyboard
// works, the distance-vs-steps chart completes (its time is printed, never asserted; bench/browser.mjs
// measures it), DDIM at η = 0 is reproducible, and the downloads are well-formed files.
import { readFileSync } from 'node:fs';
import { test, expect, type Page, type Locator } from '@playwright/test';
import { watchPage, settle, slide, openPage } from './helpers';
import { expectNoSeriousA11yViolations } from './a11y';

const PATH = '/chapters/ddim/';

/** The pixels of the n-th canvas inside a figure (or panel), as a data URL. */
async function pixels(scope: Locator, n = 0): Promise<string> {
  await scope.page().waitForTimeout(150); // Plot2D redraws on the next animation frame
  return scope.locator('canvas').nth(n).evaluate((c: HTMLCanvasElement) => c.toDataURL());
}

/** Set a range input as a reader dragging it would. */
const open = (page: Page, query = '', hash = '') => openPage(page, PATH + query + hash);

/** A figure has finished computing (its download buttons enable and no progress is shown). */
async function ready(fig: Locator) {
  await fig.page().waitForTimeout(350); // settings are debounced before a recompute starts
  await expect(fig.getByRole('button', { name: 'Download samples' })).toBeEnabled({ timeout: 30_000 });
  await expect(fig.locator('progress')).toHaveCount(0, { timeout: 30_000 });
}

function parseCSV(text: string): { header: string[]; rows: number[][] } {
  const lines = text.trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

test.describe('chapter 5', () => {
  test.use({ reducedMotion: 'reduce' });

  test('renders prose, numbered equations, references and three figures without errors; axe is clean', async ({ page }) => {
    const watch = await open(page);
    await expect(page.locator('h1')).toHaveText('DDIM and the probability-flow ODE');
    for (const id of ['#ddim-compare', '#ddim-sweep', '#ddim-invert']) await expect(page.locator(id)).toBeVisible();
    await expect(page.locator('a.eq-ref[href="#eq-pf-ode"]').first()).toHaveText('(5)');
    await expect(page.locator('a.eq-ref[href="#eq-ddim0"]').first()).toHaveText('(8)');
    await expect(page.locator('a.eq-ref[href="#eq-invert"]').first()).toHaveText('(11)');
    await expect(page.locator('.katex-error')).toHaveCount(0);
    await expect(page.locator('.references li')).toHaveCount(8);
    await expect(page.locator('.references')).toContainText('Score-based generative modeling through stochastic differential equations');
    await ready(page.locator('#ddim-compare'));
    await ready(page.locator('#ddim-invert'));
    await page.locator('#ddim-sweep').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('sweep-done')).toBeVisible({ timeout: 60_000 });
    await expectNoSeriousA11yViolations(page);
    expect(watch.errors).toEqual([]);
    expect(watch.external).toEqual([]);
  });

  test('three samplers: no autoplay, shared step scrubber, η, steps, keyboard, Run again', async ({ page }) => {
    test.setTimeout(120_000);
    const watch = await open(page);
    const fig = page.locator('#ddim-compare');
    await fig.scrollIntoViewIfNeeded();
    await ready(fig);
    const step = fig.getByLabel('Step', { exact: true });
    await page.waitForTimeout(500);
    await expect(step).toHaveValue('50'); // reduced motion: no autoplay, the end is shown
    const ddpm = fig.getByTestId('panel-ddpm'), ddim = fig.getByTestId('panel-ddim'), nono = fig.getByTestId('panel-nonoise');

    // At step 0 all three panels hold the same x_T.
    await slide(step, 0);
    await expect(step).toHaveAttribute('aria-valuetext', '0 of 50, t = 1000');
    const s0 = await fig.getByTestId('spread-ddpm').textContent();
    await expect(fig.getByTestId('spread-ddim')).toHaveText(s0!);
    await expect(fig.getByTestId('spread-nonoise')).toHaveText(s0!);
    const p0 = [await pixels(ddpm), await pixels(ddim), await pixels(nono)];
    await fig.getByRole('button', { name: 'Next step' }).click();
    await expect(step).toHaveValue('1');
    expect(await pixels(ddpm)).not.toBe(p0[0]);
    expect(await pixels(ddim)).not.toBe(p0[1]);

    // At the end: DDPM and DDIM keep the data's spread; no-noise DDPM collapses.
    await slide(step, 50);
    const spread = async (p: string) => Number(await fig.getByTestId(`spread-${p}`).textContent());
    expect(await spread('ddpm')).toBeGreaterThan(0.3);
    expect(await spread('ddim')).toBeGreaterThan(0.3);
    expect(await spread('nonoise')).toBeLessThan(0.1);

    // η changes only the DDIM panel; at η = 1 DDIM and DDPM agree.
    const before = [await pixels(ddpm), await pixels(ddim)];
    await slide(fig.getByLabel('DDIM η'), 0.5);
    await ready(fig);
    await expect(ddim.locator('h4')).toHaveText('DDIM, η = 0.50');
    expect(await pixels(ddim)).not.toBe(before[1]);
    expect(await pixels(ddpm)).toBe(before[0]);
    await expect.poll(() => page.url()).toContain('dd.eta=0.5');
    await slide(fig.getByLabel('DDIM η'), 1);
    await ready(fig);
    await expect(fig.getByTestId('spread-ddim')).toHaveText((await fig.getByTestId('spread-ddpm').textContent())!);
    await slide(fig.getByLabel('DDIM η'), 0);
    await ready(fig);

    // Run again: same x_T, new noise. DDIM (η = 0) is identical, DDPM is not.
    await fig.getByRole('button', { name: /Run again/ }).click();
    await ready(fig);
    await expect(fig.getByTestId('same-ddim')).toHaveText('identical to the previous run: yes (max |Δ| = 0)');
    await expect(fig.getByTestId('same-ddpm')).toContainText('identical to the previous run: no');
    await expect(fig.getByTestId('dd-noise')).toHaveText('2');
    await expect.poll(() => page.url()).toContain('dd.noise=2');

    // Steps: 10 steps, recomputed, the scrubber follows.
    await slide(fig.getByLabel('Steps', { exact: true }), 1);
    await ready(fig);
    await expect(step).toHaveAttribute('max', '10');
    await expect(step).toHaveValue('10');

    // Keyboard on the figure: Home, →, Shift+→, End; Space plays (big steps under reduced motion) to the end.
    await fig.focus();
    await page.keyboard.press('Home');
    await expect(step).toHaveValue('0');
    await page.keyboard.press('ArrowRight');
    await expect(step).toHaveValue('1');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(step).toHaveValue('2');
    await page.keyboard.press('End');
    await expect(step).toHaveValue('10');
    await page.keyboard.press('Home');
    await page.keyboard.press(' ');
    await expect(step).toHaveValue('10', { timeout: 15_000 });
    expect(watch.errors).toEqual([]);
  });

  test('three samplers: a link reproduces the picture; malformed parameters fall back with a note', async ({ page }) => {
    const q = '?dd.steps=20&dd.eta=0.3&dd.k=7&dd.seed=3&dd.data=moons';
    const watch = await open(page, q, '#ddim-compare');
    const fig = page.locator('#ddim-compare');
    await ready(fig);
    await expect(fig.getByLabel('Step', { exact: true })).toHaveValue('7');
    await expect(fig.getByLabel('DDIM η')).toHaveValue('0.3');
    await expect(fig.getByLabel('Data', { exact: true })).toHaveValue('moons');
    await expect(fig.getByTestId('dd-seed')).toHaveText('3');
    const a = [await pixels(fig, 0), await pixels(fig, 1), await pixels(fig, 2)];
    const page2 = await page.context().newPage();
    await page2.goto(PATH + q + '#ddim-compare');
    await settle(page2);
    const fig2 = page2.locator('#ddim-compare');
    await ready(fig2);
    expect([await pixels(fig2, 0), await pixels(fig2, 1), await pixels(fig2, 2)]).toEqual(a);
    await page2.close();
    expect(watch.errors).toEqual([]);

    const watch2 = watchPage(page);
    await page.goto(PATH + '?dd.eta=2&dd.steps=lots&dd.data=volcano#ddim-compare');
    await settle(page);
    await ready(fig);
    const notes = fig.locator('.notes');
    await expect(notes).toContainText('Ignored “dd.eta=2”');
    await expect(notes).toContainText('dd.steps=lots');
    await expect(notes).toContainText('dd.data=volcano');
    await expect(fig.getByLabel('DDIM η')).toHaveValue('0');
    await expect(fig.getByLabel('Data', { exact: true })).toHaveValue('spiral');
    await expect(fig.getByLabel('Step', { exact: true })).toHaveAttribute('max', '50');
    expect(watch2.errors).toEqual([]);
  });

  test('three samplers: Download samples (CSV) and Download trajectory (JSON) are well formed', async ({ page }) => {
    test.setTimeout(120_000); // six downloads on a machine shared with other test runs
    await open(page, '?dd.steps=20&dd.n=100', '#ddim-compare');
    const fig = page.locator('#ddim-compare');
    await ready(fig);
    for (const which of ['ddim', 'ddpm', 'nonoise']) {
      await fig.getByLabel('Sampler', { exact: true }).selectOption(which);
      const [csvDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download samples' }).click()]);
      expect(csvDl.suggestedFilename()).toMatch(/-spiral-20steps-n100-seed1-noise1-samples\.csv$/);
      const csv = parseCSV(readFileSync((await csvDl.path())!, 'utf8'));
      expect(csv.header).toEqual(['x1', 'x2']);
      expect(csv.rows.length).toBe(100);
      for (const r of csv.rows) {
        expect(r.length).toBe(2);
        for (const c of r) expect(Number.isFinite(c)).toBe(true);
      }
      const [jsonDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download trajectory' }).click()]);
      expect(jsonDl.suggestedFilename()).toMatch(/-trajectory\.json$/);
      const j = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8'));
      expect(j.format).toBe('diffusion-explorables/trajectory@1');
      expect(j.n).toBe(100);
      expect(j.t.length).toBe(21);
      expect(j.t[0]).toBe(1000);
      expect(j.t[20]).toBe(0);
      expect(j.steps.length).toBe(21);
      for (const s of j.steps) {
        expect(s.length).toBe(200);
        for (const c of s) expect(Number.isFinite(c)).toBe(true);
      }
      expect(j.meta.sampler).toBe(which);
      // the last state of the trajectory is the downloaded samples
      expect(j.steps[20][0]).toBeCloseTo(csv.rows[0][0], 4);
      expect(j.steps[20][1]).toBeCloseTo(csv.rows[0][1], 4);
    }
  });

  test('distance chart: fills in progressively, completes, axis toggle, URL, results download; time printed', async ({ page }) => {
    const watch = await open(page, '', '#ddim-sweep');
    const fig = page.locator('#ddim-sweep');
    await fig.scrollIntoViewIfNeeded();
    const progress = fig.getByTestId('sweep-progress').locator('progress');
    // Progress shows while it runs; the chart gains dots as results arrive.
    await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(0);
    const done = fig.getByTestId('sweep-done');
    await expect(done).toBeVisible({ timeout: 60_000 });
    const ms = Number(await fig.locator('.chart').getAttribute('data-ms'));
    expect(Number.isFinite(ms)).toBe(true);
    await expect(progress).toHaveAttribute('value', '20');
    await expect(fig.locator('svg[role=img] circle')).toHaveCount(20);
    console.log(`[ch05-sweep] ${ms} ms`);

    // The table lists every number; DDIM beats no-noise DDPM everywhere.
    const rows = fig.getByTestId('sweep-table').locator('tbody tr');
    await expect(rows).toHaveCount(4);
    await expect(rows.nth(0).locator('td')).toHaveCount(5);
    const ratio = async (r: number, c: number) => parseFloat((await rows.nth(r).locator('td').nth(c).textContent())!);
    for (let c = 0; c < 5; c++) expect(await ratio(3, c)).toBeGreaterThan(await ratio(1, c));
    expect(await ratio(1, 4)).toBeLessThan(2); // DDIM at 100 steps is near the floor

    // The axis toggle redraws the chart and goes into the URL.
    const svgBefore = await fig.locator('svg[role=img]').innerHTML();
    await fig.getByLabel('Horizontal axis').selectOption('nfe');
    await expect.poll(() => page.url()).toContain('sw.x=nfe');
    expect(await fig.locator('svg[role=img]').innerHTML()).not.toBe(svgBefore);
    await expect(fig.locator('svg[role=img]')).toContainText('network evaluations');

    const [dl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download results' }).click()]);
    const csv = readFileSync((await dl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('sampler,steps,nfe,sw,floor,ratio,ms');
    expect(csv.length).toBe(21);
    for (const line of csv.slice(1)) {
      const c = line.split(',');
      expect(['ddpm', 'ddim', 'heun', 'ddpm-no-noise']).toContain(c[0]);
      for (const v of c.slice(1)) expect(Number.isFinite(Number(v))).toBe(true);
    }
    expect(watch.errors).toEqual([]);

    // A link with state; a malformed parameter leaves a note.
    await page.goto(PATH + '?sw.x=nfe&sw.n=12#ddim-sweep');
    await settle(page);
    await expect(fig.getByLabel('Horizontal axis')).toHaveValue('nfe');
    await expect(fig.locator('.notes')).toContainText('sw.n=12');
  });

  test('inversion: scrubbing, steps, keyboard, URL and downloads', async ({ page }) => {
    const watch = await open(page, '', '#ddim-invert');
    const fig = page.locator('#ddim-invert');
    await fig.scrollIntoViewIfNeeded();
    await ready(fig);
    const trip = fig.getByLabel('Round trip', { exact: true });
    await expect(trip).toHaveValue('100');
    await expect(fig.getByTestId('inv-phase')).toHaveText('decoded');
    const errAt50 = parseFloat((await fig.getByTestId('inv-err').textContent())!);
    expect(errAt50).toBeGreaterThan(0);
    expect(errAt50).toBeLessThan(0.1);
    const end = await pixels(fig, 0);
    await slide(trip, 50);
    await expect(fig.getByTestId('inv-phase')).toHaveText('encoded x_T');
    expect(await pixels(fig, 0)).not.toBe(end);

    await fig.focus();
    await page.keyboard.press('Home');
    await expect(trip).toHaveValue('0');
    await expect(fig.getByTestId('inv-phase')).toHaveText('data');
    await page.keyboard.press('ArrowRight');
    await expect(trip).toHaveValue('1');
    await page.keyboard.press('End');
    await expect(trip).toHaveValue('100');

    // More steps each way: a smaller round-trip error.
    await slide(fig.getByLabel('Steps each way'), 4); // 200
    await ready(fig);
    await expect(trip).toHaveAttribute('max', '400');
    const errAt200 = parseFloat((await fig.getByTestId('inv-err').textContent())!);
    expect(errAt200).toBeLessThan(errAt50);
    await expect.poll(() => page.url()).toContain('inv.steps=200');

    const [csvDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download samples' }).click()]);
    const csv = parseCSV(readFileSync((await csvDl.path())!, 'utf8'));
    expect(csv.header).toEqual(['x1', 'x2', 'group']);
    expect(csv.rows.length).toBe(300);
    for (const r of csv.rows) for (const c of r) expect(Number.isFinite(c)).toBe(true);
    const [jsonDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download trajectory' }).click()]);
    const j = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8'));
    expect(j.n).toBe(300);
    expect(j.t.length).toBe(401);
    expect(j.t[0]).toBe(0);
    expect(j.t[200]).toBe(1000);
    expect(j.t[400]).toBe(0);
    for (const s of j.steps) expect(s.length).toBe(600);
    expect(watch.errors).toEqual([]);

    await page.goto(PATH + '?inv.steps=20&inv.j=20&inv.data=gmm#ddim-invert');
    await settle(page);
    await ready(fig);
    await expect(fig.getByTestId('inv-phase')).toHaveText('encoded x_T');
    await expect(fig.getByLabel('Data', { exact: true })).toHaveValue('gmm');
    await page.goto(PATH + '?inv.steps=0&inv.n=x#ddim-invert');
    await settle(page);
    await expect(fig.locator('.notes')).toContainText('inv.steps=0');
    await expect(fig.locator('.notes')).toContainText('inv.n=x');
  });

  test('fits a 390 px phone and can present full screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page);
    for (const id of ['#ddim-compare', '#ddim-invert']) await ready(page.locator(id));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    for (const id of ['#ddim-compare', '#ddim-sweep', '#ddim-invert']) {
      const fig = page.locator(id);
      await fig.scrollIntoViewIfNeeded();
      await fig.getByRole('button', { name: 'Present' }).click();
      await expect(fig).toHaveClass(/presenting/);
      await fig.getByRole('button', { name: 'Exit' }).click();
      await expect(fig).not.toHaveClass(/presenting/);
    }
  });
});
