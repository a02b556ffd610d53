// The forward (noising) process: closed-form jumps, the step-by-step random walk, and the
// posterior q(x_{t−1} | x_t, x_0). t = 0 is data, t = T is noise (see schedules.ts).
import type { Rng } from './rng';
import { checkStep, type Schedule } from './schedules';

/**
 * Closed-form sample x_t = sqrt(ᾱ_t) x_0 + sqrt(1 − ᾱ_t) ε, ε ~ N(0, I), for every point of x0
 * (interleaved). Writes into `out` (allocated if absent; may be x0 itself) and the noise used into
 * `epsOut` if given. Noise is drawn in order x, y of point 0, then point 1, ...
 */
export function qSample(x0: Float32Array, t: number, s: Schedule, rng: Rng, out?: Float32Array, epsOut?: Float32Array): Float32Array {
  checkStep(t, s, 'qSample');
  const m = x0.length;
  const o = out ?? new Float32Array(m);
  const a = Math.sqrt(s.alphaBar[t]);
  const b = Math.sqrt(1 - s.alphaBar[t]);
  for (let i = 0; i < m; i++) {
    const e = rng.normal();
    if (epsOut) epsOut[i] = e;
    o[i] = a * x0[i] + b * e;
  }
  return o;
}

/** One step of the random walk, in place: x_t = sqrt(1 − β_t) x_{t−1} + sqrt(β_t) z (t in 1..T). */
export function walkStep(x: Float32Array, t: number, s: Schedule, rng: Rng): Float32Array {
  checkStep(t, s, 'walkStep', 1);
  const a = Math.sqrt(1 - s.beta[t]);
  const b = Math.sqrt(s.beta[t]);
  for (let i = 0, m = x.length; i < m; i++) x[i] = a * x[i] + b * rng.normal();
  return x;
}

/** Walk a copy of x0 from t = 0 to tTo, one step at a time (walkStep for t = 1..tTo). */
export function randomWalk(x0: Float32Array, tTo: number, s: Schedule, rng: Rng): Float32Array {
  checkStep(tTo, s, 'randomWalk');
  const x = new Float32Array(x0);
  for (let t = 1; t <= tTo; t++) walkStep(x, t, s, rng);
  return x;
}

/** Coefficients of the posterior q(x_{t−1} | x_t, x_0) = N(c0·x_0 + ct·x_t, variance·I). */
export interface PosteriorCoefs {
  /** sqrt(ᾱ_{t−1}) β_t / (1 − ᾱ_t) */
  c0: number;
  /** sqrt(α_t) (1 − ᾱ_{t−1}) / (1 − ᾱ_t) */
  ct: number;
  /** β̃_t = (1 − ᾱ_{t−1}) β_t / (1 − ᾱ_t) */
  variance: number;
}

export function posteriorCoefs(t: number, s: Schedule): PosteriorCoefs {
  checkStep(t, s, 'posteriorCoefs', 1);
  const abPrev = s.alphaBar[t - 1];
  const ab = s.alphaBar[t];
  const beta = s.beta[t];
  return {
    c0: (Math.sqrt(abPrev) * beta) / (1 - ab),
    ct: (Math.sqrt(s.alpha[t]) * (1 - abPrev)) / (1 - ab),
    variance: ((1 - abPrev) * beta) / (1 - ab)
  };
}

/**
 * Mean and variance of q(x_{t−1} | x_t, x_0) for every point (t in 1..T):
 *   μ̃ = (sqrt(ᾱ_{t−1}) β_t / (1 − ᾱ_t)) x_0 + (sqrt(α_t)(1 − ᾱ_{t−1}) / (1 − ᾱ_t)) x_t,
 *   β̃_t = (1 − ᾱ_{t−1}) β_t / (1 − ᾱ_t)   (the same for every point and coordinate).
 */
export function posteriorMeanVar(
  x0: Float32Array,
  xt: Float32Array,
  t: number,
  s: Schedule,
  out?: Float32Array
): { mean: Float32Array; variance: number; c0: number; ct: number } {
  if (x0.length !== xt.length) throw new Error(`posteriorMeanVar: x0 and xt differ in length (${x0.length} vs ${xt.length})`);
  const { c0, ct, variance } = posteriorCoefs(t, s);
  const mean = out ?? new Float32Array(xt.length);
  for (let i = 0, m = xt.length; i < m; i++) mean[i] = c0 * x0[i] + ct * xt[i];
  return { mean, variance, c0, ct };
}
