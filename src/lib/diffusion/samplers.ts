// Samplers: start from x_T ~ N(0, I) and walk back to t = 0 with a Denoiser.
//
// The file is organised to grow (DDIM, deterministic DDPM, probability-flow ODE, spacings,
// guidance): `timesteps` picks the visited steps, `predictEps` is the one place a denoiser is
// queried (guidance will go there), and each sampler is a loop of per-step updates whose
// coefficients come from small helpers.
import type { Denoiser } from './denoiser';
import type { Rng } from './rng';
import type { Schedule } from './schedules';

export interface SampleOptions {
  /** Number of denoising steps (default T: every step). Fewer steps visit an evenly spaced subset. */
  steps?: number;
  /** Class to sample (conditional denoisers); −1/undefined = unconditional. */
  cls?: number;
  /** Keep x after every step (trajectory[0] = x_T, last = the samples). */
  record?: boolean;
  /** Record only every k-th step (plus the first and last states). Default 1. */
  recordEvery?: number;
  /** Variance of the ancestral noise: the posterior β̃ (default) or β (both as in Ho et al. 2020). */
  variance?: 'posterior' | 'beta';
  /** Start from this x_T (2n floats) instead of drawing it from rng. */
  init?: Float32Array;
}

export interface SampleResult {
  samples: Float32Array;
  /** States x_t visited (when record is set), first x_T, last x_0. */
  trajectory?: Float32Array[];
  /** The t of each trajectory entry. */
  trajectoryT?: number[];
  /** Steps visited, from T down (the last one jumps to t = 0). */
  timesteps: Int32Array;
}

/**
 * Evenly spaced steps from T down: t_k = round(k·T/steps) for k = steps..1 (all of T..1 when
 * steps = T). Each step jumps from timesteps[i] to timesteps[i + 1] (or to 0 after the last).
 */
export function timesteps(T: number, steps = T): Int32Array {
  if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new Error(`timesteps: steps must be an integer in 1..${T}, got ${steps}`);
  const out = new Int32Array(steps);
  for (let i = 0; i < steps; i++) out[i] = Math.round(((steps - i) * T) / steps);
  return out;
}

/** Query the denoiser (the single entry point every sampler uses). */
export function predictEps(den: Denoiser, x: Float32Array, n: number, t: number, out: Float32Array, cls?: number): void {
  den.eps(x, n, t, out, den.conditional ? cls : undefined);
}

/** Coefficients of one ancestral step t → tPrev (< t):  x_tPrev = cx·x_t + ce·ε̂ + σ·z. */
export interface AncestralCoefs {
  cx: number;
  ce: number;
  sigma: number;
}

/**
 * The DDPM update from t to tPrev < t, with the "jump" schedule ᾱ_t/ᾱ_tPrev (so skipping steps
 * works): mean = posterior mean of q(x_tPrev | x_t, x̂_0) with x̂_0 = (x_t − sqrt(1−ᾱ_t) ε̂)/sqrt(ᾱ_t),
 * σ² = β̃ = (1 − ᾱ_tPrev)/(1 − ᾱ_t)·β' or β' = 1 − ᾱ_t/ᾱ_tPrev. No noise is added when tPrev = 0.
 */
export function ancestralCoefs(s: Schedule, t: number, tPrev: number, variance: 'posterior' | 'beta' = 'posterior'): AncestralCoefs {
  const ab = s.alphaBar[t],
    abp = s.alphaBar[tPrev];
  const a = ab / abp; // α' of the jump
  const b = 1 - a; // β' of the jump
  const c0 = (Math.sqrt(abp) * b) / (1 - ab);
  const ct = (Math.sqrt(a) * (1 - abp)) / (1 - ab);
  const cx = c0 / Math.sqrt(ab) + ct;
  const ce = -(c0 * Math.sqrt(1 - ab)) / Math.sqrt(ab);
  let sigma = 0;
  if (tPrev > 0) sigma = Math.sqrt(variance === 'beta' ? b : ((1 - abp) / (1 - ab)) * b);
  return { cx, ce, sigma };
}

function initNoise(n: number, rng: Rng, init?: Float32Array): Float32Array {
  const x = new Float32Array(2 * n);
  if (init) {
    if (init.length < 2 * n) throw new Error(`sampler: init holds ${init.length >> 1} points, need ${n}`);
    x.set(init.subarray(0, 2 * n));
  } else {
    for (let i = 0; i < 2 * n; i++) x[i] = rng.normal();
  }
  return x;
}

/** Ancestral (DDPM) sampling of n points: x_T ~ N(0, I), then t = T..1 (or an evenly spaced subset). */
export function ddpmSample(den: Denoiser, s: Schedule, n: number, rng: Rng, opts: SampleOptions = {}): SampleResult {
  const ts = timesteps(s.T, opts.steps ?? s.T);
  const x = initNoise(n, rng, opts.init);
  const e = new Float32Array(2 * n);
  const every = Math.max(1, Math.floor(opts.recordEvery ?? 1));
  const trajectory: Float32Array[] | undefined = opts.record ? [new Float32Array(x)] : undefined;
  const trajectoryT: number[] | undefined = opts.record ? [ts[0]] : undefined;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const tPrev = i + 1 < ts.length ? ts[i + 1] : 0;
    predictEps(den, x, n, t, e, opts.cls);
    const { cx, ce, sigma } = ancestralCoefs(s, t, tPrev, opts.variance);
    if (sigma > 0) {
      for (let k = 0; k < 2 * n; k++) x[k] = cx * x[k] + ce * e[k] + sigma * rng.normal();
    } else {
      for (let k = 0; k < 2 * n; k++) x[k] = cx * x[k] + ce * e[k];
    }
    if (trajectory && trajectoryT && ((i + 1) % every === 0 || tPrev === 0)) {
      trajectory.push(new Float32Array(x));
      trajectoryT.push(tPrev);
    }
  }
  return { samples: x, trajectory, trajectoryT, timesteps: ts };
}
