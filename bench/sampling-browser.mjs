// Sampling speed in headless Chromium (Debian's), in Web Workers as on the page, with the
// pre-trained spiral MLP: MLP evaluations/s in one worker, and the two targets,
// 2,000 particles × 1,000 DDPM steps and 10,000 particles × 100 DDIM steps (≤ 5 s each), with the
// particles in 1 worker and split over 2 (as src/lib/figures/ch04/sample-pool.ts does).
// Also times the chapter-4 figure itself (build/ must be current: scripts/e2e.sh or look.sh build it).
// Writes bench/results/sampling-browser.json.
//
//   node bench/sampling-browser.mjs
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { ROOT, launch, record } from './lib.mjs';

/** `vite preview` of build/, waiting up to 60 s for it (bench/lib.mjs's serve waits 20 s: too short on a busy machine). */
async function serve(port = 4950 + Math.floor(Math.random() * 40)) {
  const proc = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: ROOT, stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(base + '/')).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, close: () => { try { process.kill(-proc.pid); } catch { /* gone */ } } };
}

const bundle = await build({
  entryPoints: [ROOT + 'bench/sampling-browser-worker.ts'],
  bundle: true,
  format: 'iife',
  write: false,
  target: 'es2022',
  logLevel: 'warning'
});
const code = bundle.outputFiles[0].text;
const model = JSON.parse(readFileSync(ROOT + 'models/mlp/spiral.json', 'utf8'));

const browser = await launch();
const page = await browser.newPage();
await page.goto('about:blank');
const hw = await page.evaluate(() => navigator.hardwareConcurrency);

/** Run jobs (one per worker, in parallel) and return the wall time in ms as the page sees it. */
async function timed(jobs) {
  return page.evaluate(
    async ({ code, model, jobs }) => {
      const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
      const workers = jobs.map(() => new Worker(url));
      // Warm-up: load the model (and JIT) with a tiny job first.
      await Promise.all(workers.map((w) => new Promise((r) => { w.onmessage = r; w.postMessage({ model, kind: 'ddim', n: 64, steps: 50, seed: 1, chunk: 0 }); })));
      const t0 = performance.now();
      const per = await Promise.all(workers.map((w, i) => new Promise((r) => { w.onmessage = (e) => r(e.data.ms); w.postMessage(jobs[i]); })));
      const wall = performance.now() - t0;
      workers.forEach((w) => w.terminate());
      return { wall, per };
    },
    { code, model, jobs }
  );
}

const r3 = (x) => Number(x.toPrecision(3));
const out = { chromium: await browser.version(), hardwareConcurrency: hw, loadavg1mAtStart: Number(loadavg()[0].toFixed(2)), mlp: [], sampling: [] };

for (const n of [2000, 10000]) {
  const steps = n === 2000 ? 200 : 40;
  const r = await timed([{ kind: 'evals', n, steps, seed: 1, chunk: 0 }]);
  out.mlp.push({ batch: n, evalsPerSec: r3((n * steps) / (r.per[0] / 1000)) });
  console.log(`MLP eps in a worker, batch ${n}: ${r3((n * steps) / (r.per[0] / 1000))} evals/s`);
}
const cases = [
  { sampler: 'ddpm', n: 2000, steps: 1000 },
  { sampler: 'ddim', n: 10000, steps: 100 }
];
for (const c of cases) {
  for (const workers of [1, 2]) {
    const jobs = Array.from({ length: workers }, (_, i) => ({ kind: c.sampler, n: c.n / workers, steps: c.steps, seed: 4, chunk: i }));
    const r = await timed(jobs);
    const row = { sampler: c.sampler, particles: c.n, steps: c.steps, workers, wallSeconds: r3(r.wall / 1000), target: 5 };
    out.sampling.push(row);
    console.log(`${c.sampler} ${c.n} × ${c.steps}, ${workers} worker(s): ${row.wallSeconds} s`);
  }
}
out.loadavg1mAfterWorkers = Number(loadavg()[0].toFixed(2));
await page.close();

// The chapter-4 figure end to end (fetch weights, 2 workers, record every step, merge), from its caption.
const srv = await serve();
try {
  await fetch(srv.base + '/'); // throws if the preview server did not come up
  const p = await browser.newPage({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });
  await p.goto(srv.base + '/chapters/ddpm/#ddpm-walk', { waitUntil: 'networkidle' });
  await p.locator('#ddpm-walk').getByRole('button', { name: 'Download samples' }).waitFor({ state: 'visible' });
  await p.waitForFunction(() => /Computed in [\d.]+ s/.test(document.querySelector('#ddpm-walk')?.textContent ?? ''), null, { timeout: 120_000 });
  const text = await p.locator('#ddpm-walk').textContent();
  const secs = Number(/Computed in ([\d.]+) s/.exec(text ?? '')?.[1]);
  out.chapter4Figure = { what: 'DDPM, 2,000 particles × 1,000 steps, learned MLP, every step recorded, 2 workers, as the page reports it', wallSeconds: secs };
  console.log(`chapter 4 figure: ${secs} s`);
} catch (e) {
  out.chapter4Figure = { error: String(e.message ?? e).split('\n')[0] };
  console.log('chapter 4 figure: not measured:', out.chapter4Figure.error);
} finally {
  srv.close();
}
await browser.close();
console.log(JSON.stringify(record('sampling-browser', out), null, 2));
