// Sampling speed in Node with the pre-trained spiral MLP (models/mlp/spiral.json, DEFAULT_MLP_CONFIG):
// MLP evaluations/s on the sampling hot path (all particles at one t), and whole runs against the
// issue's browser targets, 2,000 particles × 1,000 DDPM steps ≤ 5 s and 10,000 × 100 DDIM steps ≤ 5 s
// (single-threaded here; the chapter-4 worker pool splits particles over 2 workers on top).
// Writes bench/results/sampling-node.json.
//
//   node scripts/run-ts.mjs bench/sampling.bench.ts
//
// Wall-clock and process CPU time are both recorded: on a shared machine CPU time is the better
// estimate of what one free core does; the load average is saved alongside to judge that.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { MLP, Rng, ddimSample, ddpmSample, makeSchedule, odeSample } from '../src/lib/diffusion/index';

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const r3 = (x: number) => Number(x.toPrecision(3));

function time(fn: () => void, minSeconds = 1.5, warm = 3) {
  for (let i = 0; i < warm; i++) fn();
  const w0 = performance.now(),
    c0 = cpuSeconds();
  let reps = 0;
  do {
    fn();
    reps++;
  } while (performance.now() - w0 < minSeconds * 1000);
  return { wall: (performance.now() - w0) / 1000 / reps, cpu: (cpuSeconds() - c0) / reps, reps };
}

const mlp = MLP.fromJSON(JSON.parse(readFileSync('models/mlp/spiral.json', 'utf8')));
const s = makeSchedule(mlp.schedule, mlp.cfg.T);
const rng = new Rng(1);

const evalRows = [];
for (const n of [2000, 10000]) {
  const x = new Float32Array(2 * n).map(() => rng.normal());
  const out = new Float32Array(2 * n);
  let t = 0;
  const r = time(() => mlp.eps(x, n, 1 + (t++ % 1000), out));
  evalRows.push({ batch: n, evalsPerSecWall: r3(n / r.wall), evalsPerSecCpu: r3(n / r.cpu) });
  console.log(`MLP eps, batch ${n}: ${r3(n / r.wall)} evals/s wall, ${r3(n / r.cpu)} CPU`);
}

const runs = [];
const cases: Array<{ sampler: string; n: number; steps: number; run: () => unknown }> = [
  { sampler: 'ddpm', n: 2000, steps: 1000, run: () => ddpmSample(mlp, s, 2000, new Rng(4), { steps: 1000 }) },
  {
    sampler: 'ddpm (recording every step, as chapter 4)',
    n: 2000,
    steps: 1000,
    run: () => ddpmSample(mlp, s, 2000, new Rng(4), { steps: 1000, record: true })
  },
  { sampler: 'ddim', n: 10000, steps: 100, run: () => ddimSample(mlp, s, 10000, new Rng(4), { steps: 100 }) },
  { sampler: 'heun (199 NFE)', n: 2000, steps: 100, run: () => odeSample(mlp, s, 2000, new Rng(4), { steps: 100, solver: 'heun' }) }
];
for (const c of cases) {
  const w0 = performance.now(),
    c0 = cpuSeconds();
  c.run();
  const row = { sampler: c.sampler, particles: c.n, steps: c.steps, wallSeconds: r3((performance.now() - w0) / 1000), cpuSeconds: r3(cpuSeconds() - c0), target: 5 };
  runs.push(row);
  console.log(`${c.sampler}: ${c.n} × ${c.steps}: ${row.wallSeconds} s wall, ${row.cpuSeconds} s CPU`);
}

const out = {
  name: 'sampling-node',
  date: new Date().toISOString(),
  machine: { node: process.version, platform: process.platform, cpu: cpus()[0]?.model, cores: cpus().length, loadavg1m: r3(loadavg()[0]) },
  model: { file: 'models/mlp/spiral.json', config: mlp.cfg, params: mlp.paramCount },
  mlp: evalRows,
  sampling: runs,
  note: 'Single thread. The page splits particles over 2 workers (src/lib/workers/ch04-sample.worker.ts); see sampling-browser.json.'
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/sampling-node.json', JSON.stringify(out, null, 2) + '\n');
