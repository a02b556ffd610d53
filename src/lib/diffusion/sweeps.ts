// Chapter 5 helpers on top of the samplers: how close each sampler gets to the data as the number
// of steps grows (a "distance against steps" sweep), the round trip data → x_T → data through
// DDIM inversion, and small comparisons of point sets. Pure and seeded, like the rest of the engine.
//
//   for (const p of distanceSweep(den, sched, { samplers: ['ddpm', 'ddim', 'heun'], steps: [5, 10, 50], n: 500, seed: 1, source: 'spiral' }))
//     draw(p);   // one SweepPoint per (steps, sampler), smallest step counts first
import type { Denoiser } from './denoiser';
import type { Schedule } from './schedules';
import { Rng } from './rng';
import { slicedWasserstein, noiseFloor, drawPoints, type PointSource } from './metrics';
import { runSampler, ddimInvert, ddimSample, type SamplerKind, type SampleOptions } from './samplers';

/** Network evaluations a sampler needs for `steps` steps (Heun: two per step except the last, which is Euler). */
export function expectedNfe(kind: SamplerKind, steps: number): number {
  return kind === 'heun' ? Math.max(1, 2 * steps - 1) : steps;
}

/** x_T for n points from a seed: the shared starting noise of every run in a comparison. */
export function startNoise(n: number, seed: number): Float32Array {
  const rng = new Rng(seed).fork(11);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) x[i] = rng.normal();
  return x;
}

/** Largest |a_i − b_i| over two equally long arrays (Infinity if their lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Per-point Euclidean distances between two interleaved 2D point sets: mean, median and max. */
export function pointErrors(a: Float32Array, b: Float32Array): { mean: number; median: number; max: number } {
  const n = Math.min(a.length, b.length) >> 1;
  if (n === 0) return { mean: NaN, median: NaN, max: NaN };
  const d = new Float64Array(n);
  let sum = 0,
    max = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.hypot(a[2 * i] - b[2 * i], a[2 * i + 1] - b[2 * i + 1]);
    d[i] = v;
    sum += v;
    if (v > max) max = v;
  }
  d.sort();
  const median = n % 2 ? d[(n - 1) >> 1] : 0.5 * (d[n / 2 - 1] + d[n / 2]);
  return { mean: sum / n, median, max };
}

export interface SweepOptions {
  samplers: SamplerKind[];
  /** Step counts to try (each in 1..T); visited in increasing order. */
  steps: number[];
  /** Particles per run. */
  n: number;
  seed: number;
  /** Where fresh data points for the distance come from (a built-in dataset name, a pool, a sampler). */
  source: PointSource;
  /** η of DDIM runs (default 0). */
  eta?: number;
  /** Independent data samples each run is compared with (default 3; the same ones for every run). */
  repeats?: number;
  /** Projections of the sliced Wasserstein distance (default 128). */
  projections?: number;
  /** Data-vs-data draws averaged for the noise floor (default 8). */
  floorRepeats?: number;
  /** Passed to every sampler (e.g. spacing); steps, init, eta and record are set by the sweep. */
  extra?: Partial<SampleOptions>;
}

export interface SweepPoint {
  sampler: SamplerKind;
  steps: number;
  /** Network evaluations the run used. */
  nfe: number;
  /** Sliced Wasserstein distance between the run's samples and fresh data (mean over repeats). */
  sw: number;
  /** The noise floor at this n: the same distance between two independent data samples. */
  floor: number;
  /** sw / floor: 1 means as close to the data as a second data sample. */
  ratio: number;
  /** Wall time of the run in ms (sampling and distance). */
  ms: number;
  /** Index of this point and how many the sweep has in all. */
  index: number;
  total: number;
}

/**
 * Every (step count, sampler) pair, smallest step counts first, each as soon as it is done.
 * All runs start from the same x_T (from `seed`) and are measured against the same data samples,
 * so differences between them come from the samplers, not from the luck of the draw.
 */
export function* distanceSweep(den: Denoiser, s: Schedule, o: SweepOptions): Generator<SweepPoint, void, void> {
  const { n, seed } = o;
  if (!Number.isInteger(n) || n < 2) throw new Error(`distanceSweep: n must be an integer ≥ 2, got ${n}`);
  const steps = [...new Set(o.steps)].sort((a, b) => a - b);
  for (const k of steps) if (!Number.isInteger(k) || k < 1 || k > s.T) throw new Error(`distanceSweep: steps must be integers in 1..${s.T}, got ${k}`);
  if (!o.samplers.length) throw new Error('distanceSweep: no samplers');
  const P = o.projections ?? 128;
  const R = Math.max(1, o.repeats ?? 3);
  const root = new Rng(seed);
  const init = startNoise(n, seed);
  // The data samples every run is compared with, and the floor (both fixed for the whole sweep).
  const dataRng = root.fork(21);
  const refs = Array.from({ length: R }, () => drawPoints(o.source, n, dataRng));
  const floorRng = root.fork(22);
  const FR = Math.max(1, o.floorRepeats ?? 8);
  let floor = 0;
  for (let r = 0; r < FR; r++) floor += noiseFloor(o.source, n, floorRng, P);
  floor /= FR;
  const total = steps.length * o.samplers.length;
  let index = 0;
  for (const k of steps) {
    for (const kind of o.samplers) {
      const t0 = now();
      const res = runSampler(kind, den, s, n, root.fork(100 + index), {
        ...(o.extra ?? {}),
        steps: k,
        init,
        eta: kind === 'ddim' ? (o.eta ?? 0) : o.extra?.eta,
        record: false
      });
      // The same projections for every run: a paired comparison.
      const projRng = root.fork(23);
      let sw = 0;
      for (const ref of refs) sw += slicedWasserstein(res.samples, ref, projRng, P);
      sw /= R;
      yield {
        sampler: kind,
        steps: k,
        nfe: res.nfe ?? expectedNfe(kind, k),
        sw,
        floor,
        ratio: sw / floor,
        ms: now() - t0,
        index: index++,
        total
      };
    }
  }
}

export interface RoundTrip {
  /** The encoded points x_T (2n floats). */
  xT: Float32Array;
  /** The decoded points (2n floats). */
  decoded: Float32Array;
  /** States of the encoding, x_0 first, x_T last, and their times. */
  encodePath: Float32Array[];
  encodeT: number[];
  /** States of the decoding, x_T first, x_0 last, and their times. */
  decodePath: Float32Array[];
  decodeT: number[];
  /** Distances between each data point and its decoded copy. */
  error: { mean: number; median: number; max: number };
  nfe: number;
}

/**
 * DDIM inversion and back: encode x0 to x_T with `ddimInvert` (the η = 0 ODE run forwards), then
 * decode x_T with DDIM at η = 0 over the same steps. The round trip is exact in the limit of many
 * steps; with few, each step's ε̂ is taken at the wrong end of the step and the error shows it.
 */
export function roundTrip(den: Denoiser, s: Schedule, x0: Float32Array, opts: Partial<SampleOptions> & { steps: number }): RoundTrip {
  const n = x0.length >> 1;
  const enc = ddimInvert(den, s, x0, { ...opts, record: true });
  const xT = new Float32Array(enc.samples);
  const dec = ddimSample(den, s, n, new Rng(0), { ...opts, init: xT, eta: 0, record: true });
  const encodePath = enc.trajectory ?? [new Float32Array(x0), xT];
  const encodeT = enc.trajectoryT ?? [0, s.T];
  const decodePath = dec.trajectory ?? [xT, dec.samples];
  const decodeT = dec.trajectoryT ?? [s.T, 0];
  return {
    xT,
    decoded: dec.samples,
    encodePath,
    encodeT,
    decodePath,
    decodeT,
    error: pointErrors(x0, dec.samples),
    nfe: (enc.nfe ?? opts.steps) + (dec.nfe ?? opts.steps)
  };
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
