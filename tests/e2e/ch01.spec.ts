// Chapter 1 "Images are points": each figure's controls change what it shows, a URL carrying state
// reproduces it, a malformed parameter shows a note without breaking the figure, and the figure
// works from the keyboard. Runs against the built site (see playwright.config.ts).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { settle, watchPage } from './helpers';

const PATH = '/chapters/images-are-points/';

/** A cheap fingerprint of what a figure's first canvas shows. */
async function canvasPrint(fig: Locator): Promise<string> {
  return fig.locator('canvas').first().evaluate((c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 7) h = Math.imul(h ^ d[i], 16777619);
    return `${cv.width}x${cv.height}:${h >>> 0}`;
  });
}

/** Wait for a value to be written into the URL (UrlState debounces by 150 ms). */
async function expectParam(page: Page, key: string, value: string | null) {
  await expect.poll(() => new URL(page.url()).searchParams.get(key)).toBe(value);
}

async function open(page: Page, query = '') {
  const watch = watchPage(page);
  await page.goto(PATH + query);
  await settle(page);
  return watch;
}

test.describe('Figure "A two-pixel image"', () => {
  test('sliders, point and plot clicks all move the same two numbers', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#two-pixel');
    const readout = fig.locator('.readout');
    await expect(readout).toContainText('p = (0.25, 0.80)');
    await expect(readout).toContainText('x = 2p − 1 = (−0.50, 0.60)');

    // Keyboard on the native slider.
    const s1 = fig.getByRole('slider', { name: 'Pixel 1' });
    await s1.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await expect(readout).toContainText('p = (0.30, 0.80)');
    await expectParam(page, 'px.p1', '0.3');
    const swatchBg = () => fig.locator('.panel .px').first().evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await swatchBg()).toBe('rgb(77, 77, 77)');

    // Keyboard on the draggable point: up moves pixel 2 by 0.01 (0.02 in model units).
    const point = fig.getByRole('slider', { name: 'Two-pixel image' });
    await point.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Shift+ArrowLeft');
    await expect(readout).toContainText('p = (0.25, 0.81)');
    await expect(point).toHaveAttribute('aria-valuetext', /pixel 1 = 0\.25.*pixel 2 = 0\.81/);

    // Clicking in the square puts the image there: near the top-right corner means two light pixels.
    const svg = fig.locator('svg').filter({ has: page.locator('g.drag') });
    const box = (await svg.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.85, box.y + box.height * 0.12);
    const text = await readout.textContent();
    const m = /p = \((\d\.\d\d), (\d\.\d\d)\)/.exec(text ?? '');
    expect(m, `readout after click: ${text}`).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0.8);
    expect(Number(m![2])).toBeGreaterThan(0.8);

    // Reset returns to the defaults and clears the URL.
    await fig.getByRole('button', { name: 'Reset' }).click();
    await expect(readout).toContainText('p = (0.25, 0.80)');
    await expectParam(page, 'px.p1', null);
    expect(watch.errors).toEqual([]);
  });

  test('a link reproduces the image; a malformed value falls back with a note', async ({ page }) => {
    await open(page, '?px.p1=0.9&px.p2=0.1');
    const fig = page.locator('#two-pixel');
    await expect(fig.locator('.readout')).toContainText('p = (0.90, 0.10)');
    await expect(fig.getByRole('slider', { name: 'Pixel 1' })).toHaveValue('0.9');
    await expect(fig.getByRole('img', { name: /pixel 1 = 0\.90 \(light grey\), pixel 2 = 0\.10 \(dark grey\)/ })).toBeVisible();

    const watch = await open(page, '?px.p1=banana&px.p2=0.4');
    await expect(fig.locator('.notes')).toContainText('px.p1=banana');
    await expect(fig.locator('.readout')).toContainText('p = (0.25, 0.40)');
    expect(watch.errors).toEqual([]);
  });
});

test.describe('Figure "A dataset is a shape"', () => {
  test('dataset picker and random toggle change the cloud; keyboard walks through points', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#dataset-shape');
    await fig.scrollIntoViewIfNeeded();
    const spiral = await canvasPrint(fig);

    await fig.getByLabel('Dataset', { exact: true }).selectOption('moons');
    await expectParam(page, 'ds.data', 'moons');
    await expect.poll(() => canvasPrint(fig)).not.toBe(spiral);
    const moons = await canvasPrint(fig);
    await expect(fig.getByRole('heading', { name: /from the two moons/i })).toBeVisible();

    await fig.getByLabel('Random points instead').check();
    await expectParam(page, 'ds.rand', '1');
    await expect.poll(() => canvasPrint(fig)).not.toBe(moons);
    await expect(fig.getByRole('heading', { name: /drawn at random/i })).toBeVisible();
    await fig.getByLabel('Random points instead').uncheck();

    // Keyboard: the selected point is a focusable handle; arrows move to a neighbouring point.
    const handle = fig.getByRole('slider', { name: 'Selected data point' });
    const before = await handle.getAttribute('aria-valuetext');
    await handle.focus();
    await page.keyboard.press('ArrowRight');
    await expect(handle).not.toHaveAttribute('aria-valuetext', before!);
    const i1 = new URL(page.url()).searchParams.get('ds.i');
    await page.keyboard.press('Shift+ArrowUp');
    await expect.poll(() => new URL(page.url()).searchParams.get('ds.i')).not.toBe(i1);
    const info = fig.locator('.info');
    const n = Number(new URL(page.url()).searchParams.get('ds.i')) + 1;
    await expect(info).toContainText(`Point ${n} of 2000`);

    // A strip tile selects its image, by keyboard too.
    const tiles = fig.locator('.strip .tile');
    await expect(tiles).toHaveCount(12);
    await tiles.nth(3).focus();
    await page.keyboard.press('Enter');
    await expect(tiles.nth(3)).toHaveAttribute('aria-pressed', 'true');
    const label = (await tiles.nth(3).getAttribute('aria-label'))!;
    const pick = /point (\d+) of 2000/.exec(label)![1];
    await expect(info).toContainText(`Point ${pick} of 2000`);

    // Hovering a point (here: one of the ringed strip points) previews its image without selecting it.
    const kicker = fig.locator('.panel .kicker');
    await expect(kicker).toHaveText('Selected point');
    const ring = (await fig.locator('circle[r="5.5"]').nth(5).boundingBox())!;
    await page.mouse.move(ring.x + ring.width / 2, ring.y + ring.height / 2);
    await expect(kicker).toHaveText('Under the pointer');
    await page.mouse.move(5, 5);
    await expect(kicker).toHaveText('Selected point');

    // A new draw of the strip.
    const stripBefore = await fig.locator('.strip').innerHTML();
    await fig.getByRole('button', { name: 'New draw' }).click();
    await expectParam(page, 'ds.k', '1');
    expect(await fig.locator('.strip').innerHTML()).not.toBe(stripBefore);
    expect(watch.errors).toEqual([]);
  });

  test('clicking the cloud selects the nearest point', async ({ page }) => {
    await open(page, '?ds.rand=1');
    const fig = page.locator('#dataset-shape');
    await fig.scrollIntoViewIfNeeded();
    const info = fig.locator('.info');
    const before = await info.textContent();
    const box = (await fig.locator('canvas').first().boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.3);
    await page.mouse.move(box.x - 20, box.y - 20);
    await expect(info).not.toHaveText(before!);
    await expect.poll(() => new URL(page.url()).searchParams.get('ds.i')).not.toBeNull();
  });

  test('a link reproduces the selection; malformed values fall back with notes', async ({ page }) => {
    await open(page, '?ds.data=spiral3&ds.i=40');
    const fig = page.locator('#dataset-shape');
    await expect(fig.getByLabel('Dataset', { exact: true })).toHaveValue('spiral3');
    await expect(fig.locator('.info')).toContainText('Point 41 of 2000');
    await expect(fig.locator('.info')).toContainText('class: ');
    await expect(fig.getByRole('slider', { name: 'Selected data point' })).toHaveAttribute('aria-valuenow', '40');

    const watch = await open(page, '?ds.data=donut&ds.i=99999');
    await expect(fig.locator('.notes')).toContainText('ds.data=donut');
    await expect(fig.locator('.notes')).toContainText('ds.i=99999');
    await expect(fig.getByLabel('Dataset', { exact: true })).toHaveValue('spiral');
    await expect(fig.locator('.info')).toContainText('Point 1 of 2000');
    expect(watch.errors).toEqual([]);
  });
});

test.describe('Figure "Sixty-four pixels, one point"', () => {
  test('buttons draw random and structured pictures; arrows browse; the pixel pair changes the shadow', async ({ page }) => {
    const watch = await open(page);
    const fig = page.locator('#many-pixels');
    await fig.scrollIntoViewIfNeeded();
    const picture = fig.getByRole('img', { name: /^8 by 8 picture/ });
    await expect(picture).toHaveAttribute('aria-label', /ring|disc|bar|edge/);

    await fig.getByRole('button', { name: 'Random image' }).click();
    await expect(picture).toHaveAttribute('aria-label', '8 by 8 picture: 64 independent random intensities');
    await expectParam(page, 'np.kind', 'noise');
    await expect(fig.locator('.desc')).toContainText('Nothing shorter than all 64 numbers');

    await fig.getByRole('button', { name: 'Structured image' }).click();
    await expect(picture).toHaveAttribute('aria-label', /ring|disc|bar|edge/);
    await expect(fig.locator('.desc')).toContainText(/[45] numbers describe it/);

    // ←/→ on the figure step through pictures of the same kind.
    const seed = new URL(page.url()).searchParams.get('np.seed');
    await fig.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => new URL(page.url()).searchParams.get('np.seed')).not.toBe(seed);

    const near = await canvasPrint(fig);
    await fig.getByLabel('Pixels plotted').selectOption('far');
    await expectParam(page, 'np.pair', 'far');
    await expect.poll(() => canvasPrint(fig)).not.toBe(near);
    const far = await canvasPrint(fig);
    await fig.getByLabel('random', { exact: true }).uncheck();
    await expectParam(page, 'np.noi', '0');
    await expect.poll(() => canvasPrint(fig)).not.toBe(far);
    expect(watch.errors).toEqual([]);
  });

  test('a link reproduces the picture; a malformed value falls back with a note', async ({ page }) => {
    await open(page, '?np.kind=noise&np.seed=123');
    const fig = page.locator('#many-pixels');
    const picture = fig.getByRole('img', { name: /^8 by 8 picture/ });
    await expect(picture).toHaveAttribute('aria-label', '8 by 8 picture: 64 independent random intensities');
    const fills = () => fig.locator('svg.img > rect').evaluateAll((rs) => rs.slice(0, 64).map((r) => r.getAttribute('fill')).join());
    const first = await fills();
    await open(page, '?np.kind=noise&np.seed=123');
    expect(await fills()).toBe(first);

    const watch = await open(page, '?np.seed=-5&np.pair=sideways');
    await expect(fig.locator('.notes')).toContainText('np.seed=-5');
    await expect(fig.locator('.notes')).toContainText('np.pair=sideways');
    await expect(fig.getByLabel('Pixels plotted')).toHaveValue('near');
    expect(watch.errors).toEqual([]);
  });
});

test('the chapter has no serious a11y violations with every figure changed, and fits a phone', async ({ page }) => {
  await open(page, '?px.p1=1&ds.data=spiral3&ds.rand=1&np.kind=noise');
  await expectNoSeriousA11yViolations(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'horizontal overflow at 390 px').toBeLessThanOrEqual(0);
  for (const id of ['two-pixel', 'dataset-shape', 'many-pixels']) {
    const w = await page.locator('#' + id).evaluate((e) => e.getBoundingClientRect().width);
    expect(w, `${id} width at 390 px`).toBeLessThanOrEqual(390);
  }
});

test('Present makes a figure fill the screen, and Exit returns', async ({ page }) => {
  await open(page);
  const fig = page.locator('#dataset-shape');
  await fig.getByRole('button', { name: 'Present' }).click();
  await expect(fig).toHaveClass(/presenting/);
  const w = await fig.evaluate((e) => e.getBoundingClientRect().width);
  expect(w).toBeGreaterThan(1200);
  await fig.getByRole('button', { name: 'Exit' }).click();
  await expect(fig).not.toHaveClass(/presenting/);
});
