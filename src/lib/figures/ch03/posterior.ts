// Chapter 3, figure "Two targets": the training examples that share one noisy point x_t.
//
// For an empirical dataset {x_0^i}, the pairs (x_0, ε) that produce a given x_t are one per data
// point, x_0 = x_0^i and ε^i = (x_t − √ᾱ_t x_0^i)/√(1 − ᾱ_t), with posterior probability
//   w_i ∝ N(x_t; √ᾱ_t x_0^i, (1 − ᾱ_t) I)
// (the same softmax IdealDenoiser uses for E[x_0 | x_t]; the engine exposes only its mean, and the
// figure needs the individual weights to *sample* training examples). Given (x_0, x_t), the one-step
// predecessor is x_{t−1} ~ q(x_{t−1} | x_t, x_0) from the engine's posteriorCoefs.
import type { Rng } from '$lib/diffusion/rng';
import type { Schedule } from '$lib/diffusion/schedules';
import { posteriorCoefs } from '$lib/diffusion/forward';

export interface TargetSpread {
  /** Posterior weight of every data point (sums to 1). */
  w: Float64Array;
  /** E[x_0 | x_t] and the trace of Cov[x_0 | x_t]. */
  x0Mean: [number, number];
  x0Var: number;
  /** Naive target: E[x_{t−1} | x_t] − x_t, and the rms spread of x_{t−1} about its mean. */
  stepShift: [number, number];
  stepSpread: number;
  /** ε target: E[ε | x_t] and the rms spread of ε about it. */
  epsMean: [number, number];
  epsSpread: number;
  /** Samples (interleaved, k each): x_0, the x_{t−1} and the ε of k training examples sharing x_t. */
  x0: Float32Array;
  prev: Float32Array;
  eps: Float32Array;
  /** Data indices of the sampled examples. */
  idx: Int32Array;
  c0: number;
  ct: number;
  variance: number;
}

/** Posterior weights over data points for one noisy point (t ≥ 1), computed stably. */
export function posteriorWeights(points: Float32Array, xt: [number, number], t: number, s: Schedule, out?: Float64Array): Float64Array {
  const n = points.length >> 1;
  const w = out ?? new Float64Array(n);
  const a = Math.sqrt(s.alphaBar[t]);
  const k = -0.5 / (1 - s.alphaBar[t]);
  let mx = -Infinity;
  for (let i = 0; i < n; i++) {
    const dx = xt[0] - a * points[2 * i], dy = xt[1] - a * points[2 * i + 1];
    const l = k * (dx * dx + dy * dy);
    w[i] = l;
    if (l > mx) mx = l;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i] = Math.exp(w[i] - mx);
  for (let i = 0; i < n; i++) w[i] /= sum;
  return w;
}

/** k training examples (x_0, ε, x_{t−1}) that all have the noisy point x_t, and the exact moments. */
export function targetSpread(points: Float32Array, xt: [number, number], t: number, s: Schedule, k: number, rng: Rng): TargetSpread {
  const n = points.length >> 1;
  const w = posteriorWeights(points, xt, t, s);
  let mx = 0, my = 0, m2 = 0;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i], y = points[2 * i + 1];
    mx += w[i] * x;
    my += w[i] * y;
    m2 += w[i] * (x * x + y * y);
  }
  const x0Var = Math.max(0, m2 - mx * mx - my * my);
  const ab = s.alphaBar[t];
  const a = Math.sqrt(ab), b = Math.sqrt(1 - ab);
  const { c0, ct, variance } = posteriorCoefs(t, s);

  // Inverse-CDF sampling of data indices by their weights.
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += w[i];
  const idx = new Int32Array(k);
  const x0 = new Float32Array(2 * k), prev = new Float32Array(2 * k), eps = new Float32Array(2 * k);
  const sd = Math.sqrt(variance);
  for (let j = 0; j < k; j++) {
    const u = rng.next() * acc;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] <= u) lo = mid + 1;
      else hi = mid;
    }
    idx[j] = lo;
    const px = points[2 * lo], py = points[2 * lo + 1];
    x0[2 * j] = px;
    x0[2 * j + 1] = py;
    eps[2 * j] = (xt[0] - a * px) / b;
    eps[2 * j + 1] = (xt[1] - a * py) / b;
    prev[2 * j] = c0 * px + ct * xt[0] + sd * rng.normal();
    prev[2 * j + 1] = c0 * py + ct * xt[1] + sd * rng.normal();
  }
  return {
    w,
    x0Mean: [mx, my],
    x0Var,
    stepShift: [c0 * mx + (ct - 1) * xt[0], c0 * my + (ct - 1) * xt[1]],
    // Cov[x_{t−1} | x_t] = c0² Cov[x_0 | x_t] + β̃_t I  (trace over both coordinates).
    stepSpread: Math.sqrt(c0 * c0 * x0Var + 2 * variance),
    epsMean: [(xt[0] - a * mx) / b, (xt[1] - a * my) / b],
    // ε = (x_t − √ᾱ x_0)/√(1−ᾱ): Cov[ε | x_t] = ᾱ/(1−ᾱ) Cov[x_0 | x_t].
    epsSpread: Math.sqrt((ab / (1 - ab)) * x0Var),
    x0,
    prev,
    eps,
    idx,
    c0,
    ct,
    variance
  };
}
