// Chapter 4, "DDPM": the page renders without errors or outside requests, the sampling figure's
// controls change what it shows, its state survives a round trip through the URL (malformed
// parameters leave a note), the keyboard works, the downloads are well-formed files, and axe
// finds nothing serious. Most tests use 500 particles (ddpm.n=500) to keep the runs short.
import { readFileSync } from 'node:fs';
import { test, expect, type Page, type Locator } from '@playwright/test';
import { watchPage, settle, pixels, slide, openPage } from './helpers';
import { expectNoSeriousA11yViolations } from './a11y';

const PATH = '/chapters/ddpm/';
const RUN_TIMEOUT = 90_000;

const open = (page: Page, query = '', hash = '') => openPage(page, PATH + query + hash);

/** The figure has finished sampling (the downloads enable, the progress bar is gone). */
async function runReady(fig: Locator) {
  await expect(fig.getByRole('button', { name: 'Download samples' })).toBeEnabled({ timeout: RUN_TIMEOUT });
  await expect(fig.getByTestId('ddpm-progress')).toHaveCount(0, { timeout: RUN_TIMEOUT });
}

const spreadOf = async (fig: Locator) => Number((await fig.getByTestId('ddpm-spread').textContent())!.trim().split(' ')[0]);

test.describe('chapter 4', () => {
  test.use({ reducedMotion: 'reduce' });

  test('renders prose, numbered equations, references and the figure without errors or outside requests', async ({ page }) => {
    test.setTimeout(120_000);
    const watch = await open(page);
    await expect(page.locator('h1')).toHaveText('DDPM');
    const fig = page.locator('#ddpm-walk');
    await expect(fig).toBeVisible();
    await expect(page.locator('a.eq-ref[href="#eq-posterior"]').first()).toHaveText('(3)');
    await expect(page.locator('a.eq-ref[href="#eq-ddpm-step"]').first()).toHaveText('(7)');
    await expect(page.locator('.katex').first()).toBeVisible();
    await expect(page.locator('.references li')).toHaveCount(5);
    await expect(page.locator('.references')).toContainText('Denoising diffusion probabilistic models');
    await expect(page.locator('.references')).toContainText('nonequilibrium thermodynamics');
    await fig.scrollIntoViewIfNeeded();
    await runReady(fig);
    // The default run: 2,000 particles; the spread at the end is near the data's.
    await expect(fig.getByLabel('Particles', { exact: true })).toHaveValue('2000');
    await slide(fig.getByLabel('Step', { exact: true }), 1000);
    const s = await spreadOf(fig);
    expect(s).toBeGreaterThan(0.3);
    expect(s).toBeLessThan(0.55);
    await expectNoSeriousA11yViolations(page);
    expect(watch.errors).toEqual([]);
    expect(watch.external).toEqual([]);
  });

  test('no autoplay under reduced motion; stepping, scrubbing, keyboard and Play', async ({ page }) => {
    test.setTimeout(120_000);
    const watch = await open(page, '?ddpm.n=500', '#ddpm-walk');
    const fig = page.locator('#ddpm-walk');
    await runReady(fig);
    const step = fig.getByLabel('Step', { exact: true });
    await page.waitForTimeout(500);
    await expect(step).toHaveValue('0');
    await expect(fig.getByTestId('ddpm-step')).toHaveText('0 / 1000');
    const first = await pixels(fig);

    await fig.getByRole('button', { name: 'Next step' }).click();
    await expect(step).toHaveValue('1');
    expect(await pixels(fig)).not.toBe(first);

    await slide(step, 1000);
    const last = await pixels(fig);
    await slide(step, 400);
    const mid = await pixels(fig);
    await slide(step, 1000);
    expect(await pixels(fig)).toBe(last); // the recorded walk: scrubbing back gives the identical picture
    expect(mid).not.toBe(last);
    await expect(fig.getByTestId('ddpm-sigma')).toHaveText('0.0000'); // t = 0: no kick

    // Keyboard on the figure: Home, →, Shift+→, ←, End.
    await fig.focus();
    await page.keyboard.press('Home');
    await expect(step).toHaveValue('0');
    await page.keyboard.press('ArrowRight');
    await expect(step).toHaveValue('1');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(step).toHaveValue('51');
    await page.keyboard.press('ArrowLeft');
    await expect(step).toHaveValue('50');
    await page.keyboard.press('End');
    await expect(step).toHaveValue('1000');

    // Space plays from the start (reduced motion: jumps of 100 steps) to the end.
    await page.keyboard.press('Home');
    await page.keyboard.press('Space');
    await expect(step).toHaveValue('1000', { timeout: 15_000 });
    expect(watch.errors).toEqual([]);
  });

  test('controls change the picture: noise off collapses the cloud; denoiser and variance', async ({ page }) => {
    test.setTimeout(180_000);
    const watch = await open(page, '?ddpm.n=500&ddpm.step=1000', '#ddpm-walk');
    const fig = page.locator('#ddpm-walk');
    await runReady(fig);
    const base = await pixels(fig);
    const spread = await spreadOf(fig);
    expect(spread).toBeGreaterThan(0.3);

    await fig.getByLabel('Add noise σₜz at each step').uncheck();
    await runReady(fig);
    await expect.poll(() => page.url()).toContain('ddpm.noise=0');
    const flat = await pixels(fig);
    expect(flat).not.toBe(base);
    expect(await spreadOf(fig)).toBeLessThan(0.01); // collapse toward one point
    await expect(fig.getByTestId('ddpm-sigma')).toHaveText('0 (noise off)');
    await fig.getByLabel('Add noise σₜz at each step').check();
    await runReady(fig);
    expect(await pixels(fig)).toBe(base); // same seed, same run

    await fig.getByLabel('Variance σ²ₜ', { exact: true }).selectOption('beta');
    await runReady(fig);
    await expect.poll(() => page.url()).toContain('ddpm.var=beta');
    expect(await pixels(fig)).not.toBe(base);
    await slide(fig.getByLabel('Step', { exact: true }), 998); // t = 2: σ = √β₂ > √β̃₂
    await expect(fig.getByTestId('ddpm-sigma')).toHaveText('0.0110');

    await fig.getByLabel('Denoiser', { exact: true }).selectOption('ideal');
    await runReady(fig);
    await expect.poll(() => page.url()).toContain('ddpm.den=ideal');
    await slide(fig.getByLabel('Step', { exact: true }), 1000);
    expect(await pixels(fig)).not.toBe(base);
    expect(watch.errors).toEqual([]);
  });

  test('a link reproduces the state; malformed parameters fall back with a note; seed validation', async ({ page }) => {
    test.setTimeout(180_000);
    const q = '?ddpm.n=400&ddpm.seed=7&ddpm.den=ideal&ddpm.noise=1&ddpm.var=beta&ddpm.step=600';
    const watch = await open(page, q, '#ddpm-walk');
    const fig = page.locator('#ddpm-walk');
    await runReady(fig);
    await expect(fig.getByLabel('Denoiser', { exact: true })).toHaveValue('ideal');
    await expect(fig.getByLabel('Variance σ²ₜ', { exact: true })).toHaveValue('beta');
    await expect(fig.getByLabel('Seed', { exact: true })).toHaveValue('7');
    await expect(fig.getByLabel('Particles', { exact: true })).toHaveValue('400');
    await expect(fig.getByTestId('ddpm-step')).toHaveText('600 / 1000');
    const a = await pixels(fig);
    const page2 = await page.context().newPage();
    await page2.goto(PATH + q + '#ddpm-walk');
    await settle(page2);
    const fig2 = page2.locator('#ddpm-walk');
    await runReady(fig2);
    expect(await pixels(fig2)).toBe(a);
    // Copy link gives the same state back.
    await page2.close();

    const seed = fig.getByLabel('Seed', { exact: true });
    await seed.fill('12x');
    await seed.press('Enter');
    await expect(fig.getByRole('alert')).toContainText('whole number from 0 to 99999');
    await expect(seed).toHaveAttribute('aria-invalid', 'true');
    await seed.fill('42');
    await seed.press('Enter');
    await expect(fig.getByRole('alert')).toHaveCount(0);
    await expect.poll(() => page.url()).toContain('ddpm.seed=42');
    await runReady(fig);
    expect(await pixels(fig)).not.toBe(a);
    // A rejected entry and its message go with Reset, which restores the default seed.
    await seed.fill('-3');
    await seed.press('Enter');
    await expect(fig.getByRole('alert')).toContainText('keeping 42');
    await fig.getByRole('button', { name: 'Reset' }).click();
    await expect(fig.getByRole('alert')).toHaveCount(0);
    await expect(seed).toHaveValue('1');
    await expect(seed).not.toHaveAttribute('aria-invalid', 'true');
    expect(watch.errors).toEqual([]);

    const watch3 = watchPage(page);
    await page.goto(PATH + '?ddpm.n=500&ddpm.step=lots&ddpm.den=magic&ddpm.noise=maybe#ddpm-walk');
    await settle(page);
    await runReady(fig);
    await expect(fig.locator('.notes')).toContainText('Ignored “ddpm.step=lots”');
    await expect(fig.locator('.notes')).toContainText('ddpm.den=magic');
    await expect(fig.locator('.notes')).toContainText('ddpm.noise=maybe');
    await expect(fig.getByLabel('Denoiser', { exact: true })).toHaveValue('learned');
    await expect(fig.getByLabel('Add noise σₜz at each step')).toBeChecked();
    await expect(fig.getByLabel('Step', { exact: true })).toHaveValue('0');
    expect(watch3.errors).toEqual([]);
  });

  test('Download samples (CSV) and Download trajectory (JSON) are well formed', async ({ page }) => {
    test.setTimeout(120_000);
    await open(page, '?ddpm.n=300&ddpm.seed=3', '#ddpm-walk');
    const fig = page.locator('#ddpm-walk');
    await runReady(fig);

    const [csvDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download samples' }).click()]);
    expect(csvDl.suggestedFilename()).toBe('ddpm-learned-posterior-n300-seed3-samples.csv');
    const csv = readFileSync((await csvDl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('x1,x2');
    expect(csv.length).toBe(301);
    // (One expect per file, not per number: Playwright's expect is slow in tight loops.)
    const cells = csv.slice(1).map((line) => line.split(',').map(Number));
    expect(cells.every((c) => c.length === 2)).toBe(true);
    expect(cells.flat().every((c) => Number.isFinite(c))).toBe(true);
    expect(Math.max(...cells.flat().map(Math.abs))).toBeLessThan(2); // samples end on (or near) the spiral

    const [jsonDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download trajectory' }).click()]);
    expect(jsonDl.suggestedFilename()).toBe('ddpm-learned-posterior-n300-seed3-trajectory.json');
    const j = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8'));
    expect(j.format).toBe('diffusion-explorables/trajectory@1');
    expect(j.n).toBe(300);
    expect(j.meta.sampler).toBe('ddpm');
    expect(j.meta.seed).toBe(3);
    expect(j.t.length).toBe(101);
    expect(j.t[0]).toBe(1000);
    expect(j.t[1]).toBe(990);
    expect(j.t[100]).toBe(0);
    expect(j.steps.length).toBe(101);
    expect(j.steps.every((st: number[]) => st.length === 600)).toBe(true);
    expect(j.steps.every((st: number[]) => st.every((v) => typeof v === 'number' && Number.isFinite(v)))).toBe(true);
    // The last state of the trajectory is the downloaded sample set.
    const row1 = csv[1].split(',').map(Number);
    expect(row1[0]).toBeCloseTo(j.steps[100][0], 4);
    expect(row1[1]).toBeCloseTo(j.steps[100][1], 4);
  });

  test('fits a 390 px phone and can present full screen', async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page, '?ddpm.n=300');
    const fig = page.locator('#ddpm-walk');
    await fig.scrollIntoViewIfNeeded();
    await runReady(fig);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await fig.getByRole('button', { name: 'Present' }).click();
    await expect(fig).toHaveClass(/presenting/);
    await fig.getByRole('button', { name: 'Exit' }).click();
    await expect(fig).not.toHaveClass(/presenting/);
  });
});
