// Browser benchmarks in Debian's headless Chromium, against the built site (run `npm run build` first):
//  1. frame time of the particle figure: 10,000 moving particles + a 32×32 arrow field, redrawn every
//     frame through Plot2D/Particles/ArrowField (route /bench/particles/); target ≥ 60 fps;
//  3. scrubbing chapter 4's recorded trajectory (2,000 particles × 1,000 steps), target 60 fps;
//  2. training steps/s of the default MLP in the chapter-3 Web Worker, and after 10 s of training the
//     sliced-Wasserstein ratio of 2000 DDPM samples to the noise floor (target ≤ 3);
//  4. chapter 5's distance-vs-steps chart (4 samplers × 5 step counts, in a worker): wall time to the
//     last result (target ≤ 10 s) and the longest main-thread frame gap meanwhile (does the page freeze?).
// Headless Chromium has no display, so rAF is paced by Chromium's own 60 Hz frame clock: the fps
// number says whether drawing keeps up with it; drawMs (the time inside Plot2D.draw) is the cost.
// Prints and writes bench/results/browser.json. Nothing here is asserted.
//   node bench/browser.mjs
import { serve, launch, record } from './lib.mjs';
import { loadavg } from 'node:os';

const srv = await serve();
const browser = await launch();
try {
  const runs = [];
  for (const [w, h, dpr] of [[1280, 720, 1], [390, 844, 3]]) {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, deviceScaleFactor: dpr });
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/bench/particles/?n=10000&grid=32&anim=5`);
    await page.waitForFunction(() => window.__bench, null, { timeout: 120_000 });
    const r = await page.evaluate(() => window.__bench);
    runs.push({ viewport: `${w}x${h}@${dpr}x`, ...r });
    console.log(`particles ${w}x${h}@${dpr}x: ${r.fps} fps (${r.drawMs?.count} redraws in ${r.frameMs?.count} frames), frame p50 ${r.frameMs?.p50} ms p95 ${r.frameMs?.p95} ms, draw mean ${r.drawMs?.mean} ms p95 ${r.drawMs?.p95} ms`);
    await ctx.close();
  }
  // 3. Scrubbing chapter 4's recorded 1,000-step DDPM trajectory of 2,000 particles: move the step
  //    slider every animation frame (as a reader dragging it would) and time the frames.
  //    rAF pacing alone would not show a canvas that updates only every other frame, so count the
  //    plot's redraws too (each starts with one full-canvas background fillRect).
  const sp = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await sp.addInitScript(() => {
    const fill = CanvasRenderingContext2D.prototype.fillRect;
    window.__redraws = 0;
    CanvasRenderingContext2D.prototype.fillRect = function (x, y, w, h) {
      if (x === 0 && y === 0 && this.canvas.closest?.('#ddpm-walk')) window.__redraws++;
      return fill.call(this, x, y, w, h);
    };
  });
  await sp.goto(`${srv.base}/chapters/ddpm/?ddpm.n=2000`);
  const fig = sp.locator('#ddpm-walk');
  await fig.scrollIntoViewIfNeeded();
  await fig.getByRole('button', { name: 'Download samples' }).waitFor({ state: 'visible' });
  await sp.waitForFunction(() => !document.querySelector('#ddpm-walk button[disabled][title^="JSON"]') && !!document.querySelector('#ddpm-walk input[type=range]'), null, { timeout: 120_000 });
  const scrub = await sp.evaluate(async () => {
    const input = [...document.querySelectorAll('#ddpm-walk input[type=range]')].find((el) => el.max === '1000');
    const frames = [];
    let last = performance.now();
    const t0 = last;
    const r0 = window.__redraws;
    let k = 0;
    await new Promise((done) => {
      const tick = (now) => {
        frames.push(now - last);
        last = now;
        k = (k + 7) % 1001;
        input.value = String(k);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        if (now - t0 < 4000) requestAnimationFrame(tick);
        else done();
      };
      requestAnimationFrame(tick);
    });
    const redraws = window.__redraws - r0;
    const seconds = (performance.now() - t0) / 1000;
    frames.shift();
    const s = [...frames].sort((a, b) => a - b);
    const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
    return { frames: frames.length, meanMs: +mean.toFixed(2), p50Ms: +s[Math.floor(s.length / 2)].toFixed(2), p95Ms: +s[Math.floor(0.95 * s.length)].toFixed(2), fps: +(1000 / mean).toFixed(1), redraws, redrawsPerSec: +(redraws / seconds).toFixed(1) };
  });
  console.log(`scrubbing chapter 4 (2000 particles x 1000 steps): ${scrub.fps} fps, ${scrub.redrawsPerSec} canvas redraws/s, frame p50 ${scrub.p50Ms} ms p95 ${scrub.p95Ms} ms`);
  await sp.close();

  // 4. Chapter 5's sweep: it starts when the figure scrolls into view; rAF gaps show main-thread stalls.
  const wp = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await wp.goto(`${srv.base}/chapters/ddim/`);
  await wp.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (now) => { window.__gaps.push(now - last); last = now; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const sweepFig = wp.locator('#ddim-sweep');
  await sweepFig.scrollIntoViewIfNeeded();
  await sweepFig.getByTestId('sweep-done').waitFor({ state: 'visible', timeout: 120_000 });
  const sweep = await wp.evaluate(() => {
    const g = window.__gaps.slice(1).sort((a, b) => a - b);
    return {
      ms: Number(document.querySelector('#ddim-sweep .chart').getAttribute('data-ms')),
      runs: Number(document.querySelector('#ddim-sweep progress').getAttribute('value')),
      frameGapMs: { p50: +g[Math.floor(g.length / 2)].toFixed(1), p95: +g[Math.floor(0.95 * g.length)].toFixed(1), max: +g[g.length - 1].toFixed(1) }
    };
  });
  console.log(`chapter 5 distance-vs-steps sweep (${sweep.runs} runs, 400 samples each): ${(sweep.ms / 1000).toFixed(2)} s (target ≤ 10 s); main-thread frame gap p50 ${sweep.frameGapMs.p50} ms, p95 ${sweep.frameGapMs.p95} ms, max ${sweep.frameGapMs.max} ms`);
  await wp.close();

  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${srv.base}/bench/particles/?n=100&anim=1&train=1&secs=10`);
  await page.waitForFunction(() => window.__bench, null, { timeout: 180_000 });
  const tr = (await page.evaluate(() => window.__bench)).train;
  console.log(`training in a worker: ${tr.stepsPerSec} steps/s (${tr.steps} steps in ${tr.elapsedMs} ms); SW ratio after 10 s: ${tr.ratio?.toFixed(2)} (target ≤ 3)`);
  const out = record('browser', { loadavg: loadavg().map((v) => +v.toFixed(2)), particles: runs, scrubbing: scrub, sweep, training: tr, targets: { fps: 60, swRatio: 3, sweepMs: 10_000 } });
  console.log(`wrote bench/results/browser.json (${out.date})`);
} finally {
  await browser.close();
  srv.close();
}
