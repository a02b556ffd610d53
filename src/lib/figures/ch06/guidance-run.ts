// Chapter 6: the computations behind the sampling and accuracy-vs-w figures, as pure functions
// (run in src/lib/workers/ch06-guidance.worker.ts; also importable by tests and benchmarks).
import { makeDataset, type Dataset } from '$lib/diffusion/datasets';
import { makeSchedule, type Schedule } from '$lib/diffusion/schedules';
import { IdealDenoiser } from '$lib/diffusion/ideal';
import { MLP, type MLPJson } from '$lib/diffusion/mlp';
import type { Denoiser } from '$lib/diffusion/denoiser';
import { Rng } from '$lib/diffusion/rng';
import { ddpmSample } from '$lib/diffusion/samplers';
import { guided, ArmClassifier, armAccuracy, armCoverage, ON_ARM_DIST } from '$lib/diffusion/guidance';

export const T = 1000;
/** The ideal denoisers average over this many points of spiral3 (300 per class), seed 1. */
export const IDEAL_N = 900;
export const IDEAL_SEED = 1;
/** Reference points for nearest-arm classification (fresh data, another seed). */
export const REF_N = 3000;
export const REF_SEED = 99;
export const SWEEP_WS = [0, 0.5, 1, 2, 3, 5, 7.5, 10] as const;
export const STEP_CHOICES = [10, 20, 50, 100, 200] as const;

export type Source = 'mlp' | 'ideal';

let idealCache: { den: IdealDenoiser; data: Dataset } | null = null;
export function idealDenoiser(sched: Schedule = makeSchedule('linear', T)): IdealDenoiser {
  if (!idealCache) {
    const data = makeDataset('spiral3', IDEAL_N, IDEAL_SEED);
    idealCache = { den: new IdealDenoiser(data, sched), data };
  }
  return idealCache.den;
}

let clfCache: ArmClassifier | null = null;
export function armClassifier(): ArmClassifier {
  if (!clfCache) {
    const ref = makeDataset('spiral3', REF_N, REF_SEED);
    clfCache = new ArmClassifier(ref.points, ref.labels!);
  }
  return clfCache;
}

let mlpCache: { json: unknown; mlp: MLP } | null = null;
export function mlpFrom(json: unknown): MLP {
  if (!mlpCache || mlpCache.json !== json) mlpCache = { json, mlp: MLP.fromJSON(json as MLPJson) };
  return mlpCache.mlp;
}

export function denoiserFor(source: Source, mlpJson?: unknown): Denoiser {
  if (source === 'ideal') return idealDenoiser();
  if (!mlpJson) throw new Error('The network’s weights were not given to the worker.');
  return mlpFrom(mlpJson);
}

export interface SampleRequest {
  kind: 'sample';
  source: Source;
  mlpJson?: unknown;
  /** Target class (−1 = none: unconditional, or "anything but neg"). */
  cls: number;
  /** Negative class in place of ∅ (−1 = the null label: plain classifier-free guidance). */
  neg: number;
  w: number;
  steps: number;
  n: number;
  seed: number;
}

export interface SampleResult {
  n: number;
  steps: number;
  /** (steps + 1) states of 2n floats, flat: state k at [2n·k, 2n·(k+1)); state 0 = x_T, last = samples. */
  states: Float32Array;
  /** t of each state (T … 0). */
  ts: Int32Array;
  /** Nearest-arm class of each final sample (255 = farther than ON_ARM_DIST from every arm). */
  assigned: Uint8Array;
  /** Nearest-arm class, ignoring distance. */
  nearest: Uint8Array;
  /** Coverage of the target arm (NaN without a target class). */
  coverage: number;
  ms: number;
}

export function runSample(req: SampleRequest): SampleResult {
  const t0 = performance.now();
  const sched = makeSchedule('linear', T);
  const den = guided(denoiserFor(req.source, req.mlpJson), req.cls, req.w, req.neg);
  const r = ddpmSample(den, sched, req.n, new Rng(req.seed), { steps: req.steps, record: true });
  const traj = r.trajectory!;
  const states = new Float32Array(traj.length * 2 * req.n);
  traj.forEach((s, k) => states.set(s, k * 2 * req.n));
  const clf = armClassifier();
  return {
    n: req.n,
    steps: req.steps,
    states,
    ts: Int32Array.from(r.trajectoryT!),
    assigned: clf.classify(r.samples, ON_ARM_DIST),
    nearest: clf.classify(r.samples),
    coverage: req.cls >= 0 ? armCoverage(r.samples, req.cls, clf) : NaN,
    ms: performance.now() - t0
  };
}

export interface SweepRequest {
  kind: 'sweep';
  source: Source;
  mlpJson?: unknown;
  cls: number;
  steps: number;
  n: number;
  seed: number;
  ws: number[];
}

export interface SweepPoint {
  w: number;
  /** Share of samples whose nearest labelled data point belongs to the target class. */
  accuracy: number;
  /** Share within ON_ARM_DIST of the target arm (on the right arm, and on the data). */
  onArm: number;
  /** Coverage of the target arm (armCoverage), the diversity measure. */
  coverage: number;
  ms: number;
}

export function sweepPoint(req: SweepRequest, w: number): SweepPoint {
  const t0 = performance.now();
  const sched = makeSchedule('linear', T);
  const den = guided(denoiserFor(req.source, req.mlpJson), req.cls, w);
  // The same seed for every w: the curves differ only through w (common random numbers).
  const r = ddpmSample(den, sched, req.n, new Rng(req.seed), { steps: req.steps });
  const clf = armClassifier();
  return {
    w,
    accuracy: armAccuracy(r.samples, req.cls, clf, Infinity),
    onArm: armAccuracy(r.samples, req.cls, clf, ON_ARM_DIST),
    coverage: armCoverage(r.samples, req.cls, clf),
    ms: performance.now() - t0
  };
}
