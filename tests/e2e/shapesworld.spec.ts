// The ShapesWorld gallery: the same TypeScript generator the training data was exported from,
// drawn in the browser; split / page / labels in the URL; no errors, local requests only, axe-clean.
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { settle, watchPage } from './helpers';

/** Mean brightness and colourfulness of the first gallery canvas (a picture is dark background + a coloured shape). */
async function firstImageStats(page: Page) {
  return page.locator('.gallery canvas').first().evaluate((c) => {
    const cv = c as HTMLCanvasElement;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let sum = 0;
    let sat = 0;
    for (let i = 0; i < d.length; i += 4) {
      sum += d[i] + d[i + 1] + d[i + 2];
      sat += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]);
    }
    const n = d.length / 4;
    return { mean: sum / (3 * n), sat: sat / n, hash: Array.from(d.slice(0, 4096)).join(',') };
  });
}

test.describe('ShapesWorld gallery', () => {
  test('shows 24 generated pictures with captions, linked from the home page', async ({ page }) => {
    const watch = watchPage(page);
    await page.goto('/');
    await page.getByRole('link', { name: 'ShapesWorld' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('ShapesWorld');
    await settle(page);
    await expect(page.locator('.gallery > li')).toHaveCount(24);
    await expect(page.getByText('seeds 0–23')).toBeVisible();
    // Every picture is labelled by its caption, and the caption names a shape.
    const first = page.locator('.gallery > li').first();
    const alt = await first.getByRole('img').getAttribute('aria-label');
    expect(alt).toMatch(/circle|square|triangle|star/);
    await expect(first.locator('.caption')).toHaveText(alt!);
    const st = await firstImageStats(page);
    expect(st.sat, 'a coloured shape is drawn').toBeGreaterThan(1);
    expect(watch.errors).toEqual([]);
    expect(watch.external).toEqual([]);
  });

  test('controls change the seeds, the URL keeps them, and a link reproduces the page', async ({ page }) => {
    await page.goto('/shapesworld/');
    await settle(page);
    const before = await firstImageStats(page);
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect(page.getByText('seeds 24–47')).toBeVisible();
    await page.getByRole('button', { name: 'Held-out seeds' }).click();
    await expect(page.getByText('seeds 10000000–10000023')).toBeVisible();
    await page.getByRole('button', { name: 'Next →' }).click();
    await page.getByLabel('attribute labels').check();
    await expect(page.locator('.labels').first()).toContainText('seed');
    const after = await firstImageStats(page);
    expect(after.hash).not.toEqual(before.hash);
    // The URL follows the state after a short debounce.
    await expect.poll(() => page.url()).toContain('gal.labels=1');
    await expect.poll(() => page.url()).toContain('gal.page=1');
    const url = page.url();
    expect(url).toContain('gal.split=heldout');
    expect(url).toContain('gal.labels=1');

    const page2 = await page.context().newPage();
    await page2.goto(url);
    await settle(page2);
    await expect(page2.getByText('seeds 10000024–10000047')).toBeVisible();
    await expect(page2.locator('.labels').first()).toBeVisible();
    expect((await firstImageStats(page2)).hash).toEqual(after.hash);
  });

  test('malformed parameters fall back to defaults with a note', async ({ page }) => {
    const watch = watchPage(page);
    await page.goto('/shapesworld/?gal.split=moon&gal.page=-4');
    await settle(page);
    await expect(page.getByRole('status')).toContainText('gal.split=moon');
    await expect(page.getByRole('status')).toContainText('gal.page=-4');
    await expect(page.getByText('seeds 0–23')).toBeVisible();
    expect(watch.errors).toEqual([]);
  });

  test('fits a 390 px phone and has no serious axe violations', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/shapesworld/');
    await settle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.getByLabel('attribute labels').check();
    await expectNoSeriousA11yViolations(page);
  });
});
