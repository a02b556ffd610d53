// Chapter 5: runs the samplers off the main thread (protocol in src/lib/figures/ch05/protocol.ts).
//   compare → DDPM, DDIM and no-noise DDPM from one x_T, every state recorded
//   sweep   → distance to the data against the number of steps, streamed point by point
//   invert  → DDIM inversion of data points to x_T and back
import { MLP, type MLPJson } from '$lib/diffusion/mlp';
import { makeSchedule, type Schedule } from '$lib/diffusion/schedules';
import { makeDataset } from '$lib/diffusion/datasets';
import { meanCov } from '$lib/diffusion/metrics';
import { Rng } from '$lib/diffusion/rng';
import { runSampler } from '$lib/diffusion/samplers';
import { distanceSweep, roundTrip, startNoise } from '$lib/diffusion/sweeps';
import type { Ch05Request, CompareRequest, CompareResult, InvertRequest, InvertResult, PanelKind, SweepRequest, SweepResult } from '$lib/figures/ch05/protocol';

const post = (msg: unknown, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

const models = new Map<string, MLP>();
const schedules = new Map<string, Schedule>();

function model(j: MLPJson): { mlp: MLP; sched: Schedule } {
  const key = `${j.dataset}:${j.params.length}:${j.params.slice(0, 64)}`;
  let mlp = models.get(key);
  if (!mlp) {
    mlp = MLP.fromJSON(j);
    models.set(key, mlp);
  }
  const sk = `${j.schedule}:${mlp.cfg.T}`;
  let sched = schedules.get(sk);
  if (!sched) {
    sched = makeSchedule(j.schedule, mlp.cfg.T);
    schedules.set(sk, sched);
  }
  return { mlp, sched };
}

function flatten(states: Float32Array[]): Float32Array {
  const m = states[0]?.length ?? 0;
  const out = new Float32Array(m * states.length);
  states.forEach((s, k) => out.set(s, k * m));
  return out;
}

function compare(id: number, req: CompareRequest): CompareResult {
  const t0 = performance.now();
  const { mlp, sched } = model(req.model);
  const init = startNoise(req.n, req.seed);
  const kinds: Array<[PanelKind, 'ddpm' | 'ddim' | 'ddpm-no-noise']> = [
    ['ddpm', 'ddpm'],
    ['ddim', 'ddim'],
    ['nonoise', 'ddpm-no-noise']
  ];
  const runs = {} as Record<PanelKind, Float32Array>;
  let t: number[] = [];
  kinds.forEach(([panel, kind], i) => {
    post({ id, progress: { done: i, total: kinds.length } });
    // DDPM and DDIM draw their fresh noise from the same stream, so at η = 1 they take the same steps.
    const rng = new Rng(req.noise).fork(31);
    const res = runSampler(kind, mlp, sched, req.n, rng, { steps: req.steps, init, eta: kind === 'ddim' ? req.eta : undefined, record: true });
    runs[panel] = flatten(res.trajectory ?? [init, res.samples]);
    t = res.trajectoryT ?? [sched.T, 0];
  });
  const data = makeDataset(req.data, 2000, 5).points;
  return { n: req.n, steps: req.steps, eta: req.eta, seed: req.seed, noise: req.noise, t, runs, data, ms: performance.now() - t0 };
}

function sweep(id: number, req: SweepRequest): SweepResult {
  const t0 = performance.now();
  const { mlp, sched } = model(req.model);
  const points = [];
  const total = req.steps.length * req.samplers.length;
  post({ id, progress: { done: 0, total } });
  for (const p of distanceSweep(mlp, sched, { samplers: req.samplers, steps: req.steps, n: req.n, seed: req.seed, source: req.data })) {
    points.push(p);
    post({ id, progress: { done: p.index + 1, total, point: p } });
  }
  return { points, ms: performance.now() - t0, n: req.n };
}

/** Median nearest-neighbour distance within a point set (O(n²); n is a few hundred). */
function nnSpacing(x: Float32Array): number {
  const n = x.length >> 1;
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const v = Math.hypot(x[2 * i] - x[2 * j], x[2 * i + 1] - x[2 * j + 1]);
      if (v < best) best = v;
    }
    d.push(best);
  }
  d.sort((a, b) => a - b);
  return d[d.length >> 1] ?? NaN;
}

function invert(id: number, req: InvertRequest): InvertResult {
  const t0 = performance.now();
  const { mlp, sched } = model(req.model);
  const x0 = makeDataset(req.data, req.n, req.seed).points;
  post({ id, progress: { done: 0, total: 1 } });
  const rt = roundTrip(mlp, sched, x0, { steps: req.steps });
  // x_0 … x_T (encoding), then the decoding without repeating x_T.
  const states = [...rt.encodePath, ...rt.decodePath.slice(1)];
  const t = [...rt.encodeT, ...rt.decodeT.slice(1)];
  const st = meanCov(rt.xT);
  return {
    n: req.n,
    steps: req.steps,
    x0,
    path: flatten(states),
    t,
    error: rt.error,
    xTStats: st,
    spacing: nnSpacing(x0),
    nfe: rt.nfe,
    ms: performance.now() - t0
  };
}

self.onmessage = (e: MessageEvent<{ id: number; req: Ch05Request }>) => {
  const { id, req } = e.data;
  try {
    if (req.kind === 'compare') {
      const r = compare(id, req);
      post({ id, result: r }, [...Object.values(r.runs).map((a) => a.buffer), r.data.buffer]);
    } else if (req.kind === 'sweep') {
      post({ id, result: sweep(id, req) });
    } else if (req.kind === 'invert') {
      const r = invert(id, req);
      post({ id, result: r }, [r.path.buffer, r.x0.buffer]);
    } else {
      throw new Error(`unknown request ${(req as { kind?: unknown }).kind}`);
    }
  } catch (err) {
    post({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
