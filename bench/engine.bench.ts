// Engine speed in Node (a Web Worker runs the same V8 code at about the same speed):
// MLP evaluations/s, ideal-denoiser evaluations/s, Trainer steps/s and whole DDPM runs.
// Writes bench/results/engine-node.json.
//
// Run from the repository root (same runner as scripts/train-defaults.ts):
//
//   npx esbuild bench/engine.bench.ts --bundle --platform=node --format=esm --log-level=warning | node --input-type=module
//   (or: node scripts/run-ts.mjs bench/engine.bench.ts)
//
// Both wall-clock and process CPU time are recorded: on a shared machine CPU time is the better
// estimate of what one free core does; the load average is saved alongside to judge that.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import {
  DEFAULT_MLP_CONFIG,
  DEFAULT_TRAIN_OPTS,
  IdealDenoiser,
  MLP,
  Rng,
  Trainer,
  ddpmSample,
  makeDataset,
  makeSchedule
} from '../src/lib/diffusion/index';

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Run fn repeatedly for at least `minSeconds` of wall time; returns per-call wall and CPU seconds. */
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

const r3 = (x: number) => Number(x.toPrecision(3));
const results: Record<string, unknown> = {};
const s = makeSchedule('linear', 1000);
const rng = new Rng(1);

// ---- MLP evaluations (all particles at one t: the sampling hot path) ----
const data = makeDataset('spiral', 2000, 1);
const mlp = new MLP({ ...DEFAULT_MLP_CONFIG }, new Rng(1));
new Trainer(mlp, data, s, { ...DEFAULT_TRAIN_OPTS, seed: 1 }).run(200); // realistic (non-initial) weights
const mlpRows = [];
for (const n of [2000, 10000]) {
  const x = new Float32Array(2 * n).map(() => rng.normal());
  const out = new Float32Array(2 * n);
  let t = 0;
  const r = time(() => mlp.eps(x, n, 1 + (t++ % 1000), out));
  mlpRows.push({ batch: n, evalsPerSecWall: r3(n / r.wall), evalsPerSecCpu: r3(n / r.cpu) });
}
results.mlp = { config: DEFAULT_MLP_CONFIG, params: mlp.paramCount, rows: mlpRows };

// ---- Ideal denoiser: N data points × 1024 queries ----
const idealRows = [];
for (const N of [500, 2000, 8000]) {
  const den = new IdealDenoiser(makeDataset('spiral', N, 2), s);
  const q = new Float32Array(2 * 1024).map(() => rng.normal() * 0.8);
  const out = new Float32Array(2 * 1024);
  for (const t of [20, 300]) {
    const r = time(() => den.eps(q, 1024, t, out), 1);
    idealRows.push({ N, queries: 1024, t, evalsPerSecWall: r3(1024 / r.wall), evalsPerSecCpu: r3(1024 / r.cpu), msPerCall: r3(r.wall * 1000) });
  }
}
results.ideal = idealRows;

// ---- Trainer ----
{
  const tr = new Trainer(new MLP({ ...DEFAULT_MLP_CONFIG }, new Rng(3)), data, s, { ...DEFAULT_TRAIN_OPTS, seed: 3 });
  const r = time(() => tr.run(50), 3, 1);
  results.trainer = {
    batch: DEFAULT_TRAIN_OPTS.batch,
    stepsPerSecWall: r3(50 / r.wall),
    stepsPerSecCpu: r3(50 / r.cpu),
    secondsFor: { steps: 4000, wall: r3((4000 * r.wall) / 50), cpu: r3((4000 * r.cpu) / 50) }
  };
}

// ---- Whole sampling runs (the browser targets: ≤ 5 s each) ----
{
  const runs = [];
  for (const [n, steps] of [
    [2000, 1000],
    [10000, 100]
  ]) {
    const w0 = performance.now(),
      c0 = cpuSeconds();
    ddpmSample(mlp, s, n, new Rng(4), { steps });
    runs.push({ sampler: 'ddpm', particles: n, steps, wallSeconds: r3((performance.now() - w0) / 1000), cpuSeconds: r3(cpuSeconds() - c0), target: 5 });
  }
  results.sampling = runs;
}

const out = {
  name: 'engine-node',
  date: new Date().toISOString(),
  machine: { node: process.version, platform: process.platform, cpu: cpus()[0]?.model, cores: cpus().length, loadavg1m: r3(loadavg()[0]) },
  ...results
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/engine-node.json', JSON.stringify(out, null, 2) + '\n');
console.log(JSON.stringify(out, null, 2));
