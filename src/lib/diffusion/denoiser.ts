// The one interface every sampler talks to: a noise predictor ε(x_t, t[, class]).
// Conversions between the three equivalent views of a denoiser at step t (1..T):
//   x̂_0 = (x_t − sqrt(1 − ᾱ_t) ε̂) / sqrt(ᾱ_t)            (x0FromEps)
//   ε̂   = (x_t − sqrt(ᾱ_t) x̂_0) / sqrt(1 − ᾱ_t)           (epsFromX0)
//   ∇ log p_t(x_t) ≈ −ε̂ / sqrt(1 − ᾱ_t)                   (scoreFromEps, Tweedie)
import { checkStep, type Schedule } from './schedules';

export interface Denoiser {
  /** True if eps() takes a class index (cls ≥ 0 conditions on it; −1 or absent = unconditional/null class). */
  readonly conditional: boolean;
  /**
   * Predicted noise for n points xt (interleaved, 2n floats) all at step t (1..T), into out (2n floats).
   * cls: class index, or −1 / undefined for the unconditional (null-label) prediction.
   */
  eps(xt: Float32Array, n: number, t: number, out: Float32Array, cls?: number): void;
}

/** x̂_0 = (x_t − sqrt(1 − ᾱ_t) ε̂) / sqrt(ᾱ_t) for the first n points (default: all). */
export function x0FromEps(xt: Float32Array, eps: Float32Array, t: number, s: Schedule, out?: Float32Array, n = xt.length >> 1): Float32Array {
  checkStep(t, s, 'x0FromEps');
  const o = out ?? new Float32Array(2 * n);
  const a = 1 / Math.sqrt(s.alphaBar[t]);
  const b = Math.sqrt(1 - s.alphaBar[t]);
  for (let i = 0, m = 2 * n; i < m; i++) o[i] = a * (xt[i] - b * eps[i]);
  return o;
}

/** ε̂ = (x_t − sqrt(ᾱ_t) x̂_0) / sqrt(1 − ᾱ_t) (t ≥ 1; at t = 0 there is no noise and ε̂ = 0 is returned). */
export function epsFromX0(xt: Float32Array, x0: Float32Array, t: number, s: Schedule, out?: Float32Array, n = xt.length >> 1): Float32Array {
  checkStep(t, s, 'epsFromX0');
  const o = out ?? new Float32Array(2 * n);
  const m = 2 * n;
  if (t === 0) {
    o.fill(0, 0, m);
    return o;
  }
  const a = Math.sqrt(s.alphaBar[t]);
  const b = 1 / Math.sqrt(1 - s.alphaBar[t]);
  for (let i = 0; i < m; i++) o[i] = b * (xt[i] - a * x0[i]);
  return o;
}

/** Score estimate ∇_x log p_t(x) = −ε̂ / sqrt(1 − ᾱ_t) (t in 1..T). */
export function scoreFromEps(eps: Float32Array, t: number, s: Schedule, out?: Float32Array, n = eps.length >> 1): Float32Array {
  checkStep(t, s, 'scoreFromEps', 1);
  const o = out ?? new Float32Array(2 * n);
  const k = -1 / Math.sqrt(1 - s.alphaBar[t]);
  for (let i = 0, m = 2 * n; i < m; i++) o[i] = k * eps[i];
  return o;
}
