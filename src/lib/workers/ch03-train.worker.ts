// The training worker: trains the engine's MLP with its Trainer off the main thread and streams
// progress (loss, weights, speed) at a few Hz. Generic: chapter 3's "Train it yourself", other
// chapters and the benchmarks all drive it through src/lib/workers/train-client.ts, which also
// documents the protocol.
import { makeDataset, datasetFromStrokes, type Dataset } from '$lib/diffusion/datasets';
import { makeSchedule, type Schedule } from '$lib/diffusion/schedules';
import { MLP, type MLPConfig } from '$lib/diffusion/mlp';
import { Trainer, DEFAULT_MLP_CONFIG, DEFAULT_TRAIN_OPTS } from '$lib/diffusion/train';
import { Rng } from '$lib/diffusion/rng';
import { ddpmSample } from '$lib/diffusion/samplers';
import { compareToData, type PointSource } from '$lib/diffusion/metrics';
import type { ToWorker, FromWorker, TrainInit, ProgressMsg, DataSpec } from './train-client';

const ctx = self as unknown as Worker;
const post = (m: FromWorker, transfer: Transferable[] = []) => ctx.postMessage(m, transfer);

interface Session {
  init: TrainInit;
  data: Dataset;
  /** Where fresh data comes from for sample-quality comparisons. */
  source: PointSource;
  sched: Schedule;
  cfg: MLPConfig;
  mlp: MLP;
  trainer: Trainer;
  lr: number;
  batch: number;
  maxSteps: number;
  running: boolean;
  elapsedMs: number;
  chunk: number[];
  ema: number;
  /** Recent (time, steps) pairs for the speed estimate. */
  speed: Array<[number, number]>;
}

let S: Session | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
const queue: ToWorker[] = [];

function makeData(spec: DataSpec, seed: number): { data: Dataset; source: PointSource } {
  if (!spec || typeof spec !== 'object') throw new Error('init: "data" must describe a dataset');
  if (spec.kind === 'dataset') {
    const data = makeDataset(spec.name, spec.n ?? 4000, spec.seed ?? seed);
    return { data, source: spec.name };
  }
  if (spec.kind === 'strokes') {
    const n = spec.n ?? 4000;
    const data = datasetFromStrokes(spec.strokes, n, spec.seed ?? seed);
    const strokes = spec.strokes;
    return { data, source: (m: number, rng: Rng) => datasetFromStrokes(strokes, m, rng.int(2 ** 31)).points };
  }
  if (spec.kind === 'points') {
    const pts = spec.points;
    if (!(pts instanceof Float32Array) || pts.length < 2 || pts.length % 2) throw new Error('init: points must be a non-empty interleaved Float32Array');
    const n = pts.length / 2;
    const data: Dataset = { name: 'drawn', n, points: pts, labels: spec.labels, numClasses: spec.numClasses ?? 0 };
    return { data, source: pts };
  }
  throw new Error(`init: unknown data kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
}

function freshSession(init: TrainInit): Session {
  const seed = init.seed ?? 1;
  const { data, source } = makeData(init.data, seed);
  const T = init.T ?? init.mlp?.T ?? DEFAULT_MLP_CONFIG.T;
  const sched = makeSchedule(init.schedule ?? 'linear', T);
  let mlp: MLP;
  if (init.initial) {
    mlp = MLP.fromJSON(init.initial);
    if (mlp.cfg.T !== T) throw new Error(`init: the initial network has T = ${mlp.cfg.T}, the schedule T = ${T}`);
  } else {
    const cfg: MLPConfig = { ...DEFAULT_MLP_CONFIG, numClasses: 0, ...(init.mlp ?? {}), T };
    mlp = new MLP(cfg, new Rng(seed).fork(1));
  }
  const lr = init.train?.lr ?? DEFAULT_TRAIN_OPTS.lr;
  const batch = init.train?.batch ?? DEFAULT_TRAIN_OPTS.batch;
  const trainer = new Trainer(mlp, data, sched, { seed: new Rng(seed).fork(2).seed, lr, batch, labelDropout: init.train?.labelDropout });
  return {
    init, data, source, sched, cfg: mlp.cfg, mlp, trainer, lr, batch,
    maxSteps: init.maxSteps ?? Infinity, running: false, elapsedMs: 0, chunk: [], ema: NaN, speed: []
  };
}

/** The weights to show and sample with: the Trainer's moving average if it keeps one. */
function viewParams(s: Session): Float32Array {
  return new Float32Array(s.trainer.ema ?? s.mlp.params);
}

const steps = (s: Session) => s.trainer.steps;

function progress(s: Session, reason: ProgressMsg['reason']) {
  const chunk = Float32Array.from(s.chunk);
  s.chunk = [];
  let sum = 0;
  for (const v of chunk) sum += v;
  const sp = s.speed;
  let stepsPerSec = 0;
  if (sp.length >= 2) {
    const [ta, sa] = sp[0], [tb, sb] = sp[sp.length - 1];
    if (tb > ta) stepsPerSec = ((sb - sa) * 1000) / (tb - ta);
  }
  const params = viewParams(s);
  post(
    {
      type: 'progress', steps: steps(s), loss: chunk.length ? sum / chunk.length : NaN, lossEma: s.ema, lossChunk: chunk,
      params, stepsPerSec, running: s.running, elapsedMs: s.elapsedMs, reason
    },
    [chunk.buffer, params.buffer]
  );
}

function slice() {
  timer = null;
  drain();
  const s = S;
  if (!s || !s.running) return;
  const hz = Math.min(30, Math.max(1, s.init.progressHz ?? 8));
  const budget = 1000 / hz;
  const t0 = performance.now();
  let now = t0;
  try {
    while (now - t0 < budget && steps(s) < s.maxSteps) {
      const loss = s.trainer.step();
      s.chunk.push(loss);
      s.ema = Number.isNaN(s.ema) ? loss : 0.97 * s.ema + 0.03 * loss;
      now = performance.now();
    }
  } catch (e) {
    s.elapsedMs += performance.now() - t0;
    s.running = false;
    progress(s, 'diverged');
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  s.elapsedMs += now - t0;
  s.speed.push([s.elapsedMs, steps(s)]);
  if (s.speed.length > 8) s.speed.shift();
  if (steps(s) >= s.maxSteps) {
    s.running = false;
    progress(s, 'max-steps');
    return;
  }
  progress(s, 'tick');
  schedule();
}

function schedule() {
  if (timer === null) timer = setTimeout(slice, 0);
}

function handle(m: ToWorker) {
  switch (m.type) {
    case 'init': {
      try {
        const { type: _t, id: _i, ...init } = m;
        S = freshSession(init);
        const d = S.data;
        const params = new Float32Array(S.mlp.params);
        const data = new Float32Array(d.points);
        post(
          { type: 'ready', id: m.id, cfg: S.cfg, paramCount: S.mlp.paramCount, data, labels: d.labels ? new Uint8Array(d.labels) : undefined, numClasses: d.numClasses, schedule: S.sched.name, T: S.sched.T, params },
          [params.buffer, data.buffer]
        );
      } catch (e) {
        S = null;
        post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
    case 'start':
      if (S && !S.running && steps(S) < S.maxSteps) {
        S.running = true;
        S.speed = [];
        schedule();
      }
      return;
    case 'pause':
      if (S && S.running) {
        S.running = false;
        progress(S, 'paused');
      }
      return;
    case 'reset':
      if (S) {
        S = freshSession(S.init);
        progress(S, 'reset');
      }
      return;
    case 'set':
      if (!S) return;
      if (m.lr !== undefined && m.lr > 0) {
        S.lr = m.lr;
        S.trainer.opts.lr = m.lr;
      }
      if (m.maxSteps !== undefined) S.maxSteps = m.maxSteps;
      if (m.batch !== undefined && Number.isInteger(m.batch) && m.batch >= 1 && m.batch !== S.batch) {
        // A new batch size needs new buffers: a fresh Trainer on the same weights that carries on
        // where the old one stopped (step count, so the learning-rate schedule continues; Adam's
        // moments; the moving average of the weights).
        const prev = S.trainer;
        S.batch = m.batch;
        const t = new Trainer(S.mlp, S.data, S.sched, {
          seed: new Rng(S.init.seed ?? 1).fork(3 + prev.steps).seed, lr: S.lr, batch: m.batch,
          labelDropout: S.init.train?.labelDropout
        });
        t.steps = prev.steps;
        t.smoothedLoss = prev.smoothedLoss;
        t.adam.m.set(prev.adam.m);
        t.adam.v.set(prev.adam.v);
        t.adam.t = prev.adam.t;
        if (t.ema && prev.ema) t.ema.set(prev.ema);
        S.trainer = t;
      }
      return;
    case 'snapshot':
      if (S) progress(S, 'snapshot');
      return;
    case 'sample': {
      if (!S) {
        post({ type: 'error', id: m.id, message: 'sample: the worker has not been initialised' });
        return;
      }
      try {
        const t0 = performance.now();
        const model = S.trainer.model();
        const rng = new Rng(m.seed);
        const { samples } = ddpmSample(model, S.sched, m.n, rng.fork(1), { steps: m.steps, cls: m.cls });
        let sw: number | undefined, floor: number | undefined, ratio: number | undefined;
        if (m.compare) ({ sw, floor, ratio } = compareToData(samples, S.source, rng.fork(2)));
        post({ type: 'samples', id: m.id, samples, steps: steps(S), ms: performance.now() - t0, sw, floor, ratio }, [samples.buffer]);
      } catch (e) {
        post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
      }
      return;
    }
  }
}

/** Handle queued messages in order (between training slices, so a slice is never interrupted). */
function drain() {
  while (queue.length) handle(queue.shift()!);
}

ctx.onmessage = (e: MessageEvent<ToWorker>) => {
  queue.push(e.data);
  if (!S?.running) drain();
};
