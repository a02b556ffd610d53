// Chapter 7, "Diffusion is evolution": each figure's controls change what it shows, its state
// survives a round trip through the URL, malformed parameters leave a note, the keyboard works,
// and the downloads are well-formed files.
import { readFileSync } from 'node:fs';
import { test, expect, type Page, type Locator } from '@playwright/test';
import { watchPage, settle, pixels, slide, openPage } from './helpers';
import { expectNoSeriousA11yViolations } from './a11y';

const PATH = '/chapters/evolution/';

const open = (page: Page, query = '', hash = '') => openPage(page, PATH + query + hash);

/** Figure 1 has finished computing its run (the download buttons enable). */
async function runReady(fig: Locator) {
  await expect(fig.getByRole('button', { name: 'Download samples' })).toBeEnabled({ timeout: 20_000 });
  await expect(fig.getByText('Computing…')).toHaveCount(0, { timeout: 20_000 });
}

test.describe('chapter 7', () => {
  test.use({ reducedMotion: 'reduce' });

  test('renders prose, numbered equations, references and three figures without errors', async ({ page }) => {
    const watch = await open(page);
    await expect(page.locator('h1')).toHaveText('Diffusion is evolution');
    for (const id of ['#evo-pop', '#evo-x0', '#evo-compare']) await expect(page.locator(id)).toBeVisible();
    await expect(page.locator('a.eq-ref[href="#eq-x0hat"]').first()).toHaveText('(2)');
    await expect(page.locator('a.eq-ref[href="#eq-ddim"]').first()).toHaveText('(3)');
    await expect(page.locator('.references li')).toHaveCount(8);
    await expect(page.locator('.references')).toContainText('arXiv:2410.02543');
    await runReady(page.locator('#evo-pop'));
    await page.locator('#evo-compare').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('cmp-table')).toBeVisible({ timeout: 30_000 });
    await expectNoSeriousA11yViolations(page);
    expect(watch.errors).toEqual([]);
    expect(watch.external).toEqual([]);
  });

  test('population figure: no autoplay, stepping, scrubbing, keyboard and landscape change', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#evo-pop');
    await fig.scrollIntoViewIfNeeded();
    await runReady(fig);
    const gen = fig.getByLabel('Generation', { exact: true });
    await page.waitForTimeout(500);
    await expect(gen).toHaveValue('0'); // reduced motion: no autoplay
    await expect(fig.getByTestId('evo-gen')).toHaveText('0 / 50');
    const first = await pixels(fig);

    await fig.getByRole('button', { name: 'Next generation' }).click();
    await expect(gen).toHaveValue('1');
    expect(await pixels(fig)).not.toBe(first);

    await slide(gen, 50);
    await expect(fig.getByTestId('evo-gen')).toHaveText('50 / 50');
    // the default run holds several of the four peaks at the end
    const held = Number((await fig.getByTestId('evo-held').textContent())!.split(' ')[0]);
    expect(held).toBeGreaterThanOrEqual(3);
    const last = await pixels(fig);
    await slide(gen, 20);
    const mid = await pixels(fig);
    await slide(gen, 50);
    expect(await pixels(fig)).toBe(last); // recorded history: scrubbing back gives the identical picture
    expect(mid).not.toBe(last);

    // Keyboard on the figure: Home, →, Shift+→, End.
    await fig.focus();
    await page.keyboard.press('Home');
    await expect(gen).toHaveValue('0');
    await page.keyboard.press('ArrowRight');
    await expect(gen).toHaveValue('1');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(gen).toHaveValue('11');
    await page.keyboard.press('End');
    await expect(gen).toHaveValue('50');

    // Play (allowed under reduced motion, in big steps) runs from the start to the end.
    await page.keyboard.press('Home');
    await fig.getByRole('button', { name: 'Play' }).click();
    await expect(gen).toHaveValue('50', { timeout: 15_000 });

    // Landscape picker: different heatmap, suggested temperature, URL updated.
    const before = await pixels(fig);
    await fig.getByLabel('Landscape', { exact: true }).selectOption('rastrigin');
    await runReady(fig);
    await expect(fig.getByLabel('Temperature τ')).toHaveAttribute('aria-valuetext', '0.02');
    expect(await pixels(fig)).not.toBe(before);
    await expect.poll(() => page.url()).toContain('evo.land=rastrigin');

    // The evolution strategy on the same landscape holds one optimum.
    await fig.getByLabel('Algorithm', { exact: true }).selectOption('es');
    await runReady(fig);
    await slide(gen, 50);
    await expect(fig.getByTestId('evo-held')).toHaveText(/^1 of /);
    expect(watch.errors).toEqual([]);
  });

  test('population figure: URL state, malformed parameters and seed validation', async ({ page }) => {
    const watch = await open(page, '?evo.land=ackley&evo.seed=7&evo.g=50&evo.n=128&evo.algo=es', '#evo-pop');
    const fig = page.locator('#evo-pop');
    await runReady(fig);
    await expect(fig.getByLabel('Landscape', { exact: true })).toHaveValue('ackley');
    await expect(fig.getByLabel('Algorithm', { exact: true })).toHaveValue('es');
    await expect(fig.getByLabel('Seed', { exact: true })).toHaveValue('7');
    await expect(fig.getByLabel('Population', { exact: true })).toHaveValue('128');
    await expect(fig.getByTestId('evo-gen')).toHaveText('50 / 50');
    const a = await pixels(fig);
    // the same link in a fresh page draws the same picture
    const page2 = await page.context().newPage();
    await page2.goto(PATH + '?evo.land=ackley&evo.seed=7&evo.g=50&evo.n=128&evo.algo=es#evo-pop');
    await settle(page2);
    const fig2 = page2.locator('#evo-pop');
    await runReady(fig2);
    expect(await pixels(fig2)).toBe(a);
    await page2.close();

    // A bad seed typed by the reader: a clear message, the old seed kept.
    const seed = fig.getByLabel('Seed', { exact: true });
    await seed.fill('12x');
    await seed.press('Enter');
    await expect(fig.getByRole('alert')).toContainText('whole number from 0 to 99999');
    await expect(seed).toHaveAttribute('aria-invalid', 'true');
    await seed.fill('42');
    await seed.press('Enter');
    await expect(fig.getByRole('alert')).toHaveCount(0);
    await expect.poll(() => page.url()).toContain('evo.seed=42');
    expect(watch.errors).toEqual([]);

    // Malformed parameters: defaults plus a note, no crash.
    const watch3 = watchPage(page);
    await page.goto(PATH + '?evo.n=lots&evo.land=volcano&evo.tau=-1#evo-pop');
    await settle(page);
    await runReady(fig);
    await expect(fig.locator('.notes')).toContainText('Ignored “evo.n=lots”');
    await expect(fig.locator('.notes')).toContainText('evo.land=volcano');
    await expect(fig.getByLabel('Landscape', { exact: true })).toHaveValue('multipeak');
    await expect(fig.getByLabel('Population', { exact: true })).toHaveValue('256');
    expect(watch3.errors).toEqual([]);
  });

  test('population figure: Download samples (CSV) and Download trajectory (JSON) are well formed', async ({ page }) => {
    await open(page, '?evo.n=64&evo.steps=20&evo.seed=3', '#evo-pop');
    const fig = page.locator('#evo-pop');
    await runReady(fig);

    const [csvDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download samples' }).click()]);
    expect(csvDl.suggestedFilename()).toBe('diffusion-evolution-multipeak-n64-seed3-samples.csv');
    const csv = readFileSync((await csvDl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('index,x1,x2,fitness');
    expect(csv.length).toBe(65);
    for (const [i, line] of csv.slice(1).entries()) {
      const cells = line.split(',').map(Number);
      expect(cells.length).toBe(4);
      expect(cells[0]).toBe(i);
      for (const c of cells) expect(Number.isFinite(c)).toBe(true);
    }

    const [jsonDl] = await Promise.all([page.waitForEvent('download'), fig.getByRole('button', { name: 'Download trajectory' }).click()]);
    expect(jsonDl.suggestedFilename()).toBe('diffusion-evolution-multipeak-n64-seed3-trajectory.json');
    const j = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8'));
    expect(j.algorithm).toBe('diffusion');
    expect(j.landscape).toBe('multipeak');
    expect(j.n).toBe(64);
    expect(j.generations).toBe(20);
    expect(j.trajectory.length).toBe(21);
    expect(j.trajectory[0].t).toBe(1000);
    expect(j.trajectory[20].t).toBe(0);
    for (const gen of j.trajectory) {
      expect(gen.points.length).toBe(64);
      expect(gen.fitness.length).toBe(64);
      for (const p of gen.points) {
        expect(p.length).toBe(2);
        expect(Number.isFinite(p[0]) && Number.isFinite(p[1])).toBe(true);
      }
    }
    // the last generation of the trajectory is the downloaded population
    const last = j.trajectory[20].points;
    const row1 = csv[1].split(',').map(Number);
    expect(row1[1]).toBeCloseTo(last[0][0], 4);
    expect(row1[2]).toBeCloseTo(last[0][1], 4);
  });

  test('x̂₀ figure: probe keys, weight modes, generation, URL and notes', async ({ page }) => {
    const watch = await open(page, '', '#evo-x0');
    const fig = page.locator('#evo-x0');
    await fig.scrollIntoViewIfNeeded();
    const x0 = fig.getByTestId('x0-hat');
    const neff = fig.getByTestId('x0-neff');
    const spread = fig.getByTestId('x0-spread');
    const start = await x0.textContent();

    const probe = fig.getByRole('slider', { name: 'Probe individual x_t' });
    await probe.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await expect(probe).toHaveAttribute('aria-valuetext', /at \(0\.30, 0\.50\)/);
    await expect(x0).not.toHaveText(start!);
    await expect.poll(() => page.url()).toContain('x0h.px=0.3');

    // closeness only vs fitness only give different estimates
    const mode = fig.getByLabel('Weights', { exact: true });
    const both = await x0.textContent();
    await mode.selectOption('kernel');
    await expect(x0).not.toHaveText(both!);
    await mode.selectOption('fitness');
    const fit = await x0.textContent();
    await mode.selectOption('both');

    // early generations: parents from all over the plot; late: a neighbourhood
    const gen = fig.getByLabel('Generation', { exact: true });
    await slide(gen, 0);
    const early = parseFloat((await spread.textContent())!);
    await slide(gen, 45);
    const late = parseFloat((await spread.textContent())!);
    expect(early).toBeGreaterThan(late * 3);
    expect(parseFloat((await neff.textContent())!)).toBeGreaterThan(1);

    // Figure keys step the generation
    await fig.focus();
    await page.keyboard.press('ArrowLeft');
    await expect(gen).toHaveValue('44');
    await page.keyboard.press('Home');
    await expect(gen).toHaveValue('0');

    // clicking the plot moves the probe
    const svg = fig.locator('.plot2d > svg');
    const box = (await svg.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.3);
    await expect(probe).not.toHaveAttribute('aria-valuetext', /at \(0\.30, 0\.50\)/);
    const pix = await pixels(fig);
    expect(pix.length).toBeGreaterThan(1000);
    expect(fit).not.toBe(both);
    expect(watch.errors).toEqual([]);

    // URL round trip and a malformed value
    await page.goto(PATH + '?x0h.px=0.5&x0h.py=-0.5&x0h.g=30&x0h.w=bogus#evo-x0');
    await settle(page);
    await expect(probe).toHaveAttribute('aria-valuetext', /at \(0\.50, -0\.50\)/);
    await expect(gen).toHaveValue('30');
    await expect(fig.locator('.notes')).toContainText('x0h.w=bogus');
    await expect(mode).toHaveValue('both');
  });

  test('comparison figure: runs when visible, Diffusion Evolution holds more optima, URL state', async ({ page }) => {
    const watch = await open(page, '?cmp.seeds=4&cmp.n=128', '#evo-compare');
    const fig = page.locator('#evo-compare');
    await fig.scrollIntoViewIfNeeded();
    const table = fig.getByTestId('cmp-table');
    await expect(table).toBeVisible({ timeout: 30_000 });
    await expect(table.locator('thead th')).toHaveCount(4 + 2);
    const means = await table.locator('tbody tr td:last-child').allTextContents();
    expect(Number(means[0])).toBeGreaterThan(Number(means[1]));
    await expect(fig.getByLabel('Seeds', { exact: true })).toHaveValue('4');

    // change the landscape: recomputed, URL updated
    await fig.getByLabel('Landscape', { exact: true }).selectOption('rastrigin');
    await expect(fig.locator('.tcap')).toContainText('of 9', { timeout: 30_000 });
    await expect.poll(() => page.url()).toContain('cmp.land=rastrigin');
    await expect(fig.locator('svg[role=img]')).toHaveCount(2);
    expect(watch.errors).toEqual([]);

    await page.goto(PATH + '?cmp.seeds=99#evo-compare');
    await settle(page);
    await expect(fig.locator('.notes')).toContainText('cmp.seeds=99');
  });

  test('fits a 390 px phone and can present full screen', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await open(page);
    const fig = page.locator('#evo-pop');
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
