// Chapter 2: small summaries of point clouds for the figures' readouts.
import { meanCov } from '$lib/diffusion/metrics';

export interface Moments {
  mean: [number, number];
  /** [var x₁, cov x₁x₂, var x₂] */
  cov: [number, number, number];
}

export function moments(points: Float32Array): Moments {
  const m = meanCov(points);
  return { mean: [m.mean[0], m.mean[1]], cov: [m.cov[0], m.cov[1], m.cov[2]] };
}

/**
 * Moments of q(x_t) implied by the closed form x_t = √ᾱ x₀ + √(1−ᾱ) ε for this data:
 * mean √ᾱ·E[x₀], covariance ᾱ·Cov[x₀] + (1−ᾱ)·I.
 */
export function theoryMoments(x0: Float32Array, abar: number): Moments {
  const m = moments(x0);
  return {
    mean: [Math.sqrt(abar) * m.mean[0], Math.sqrt(abar) * m.mean[1]],
    cov: [abar * m.cov[0] + 1 - abar, abar * m.cov[1], abar * m.cov[2] + 1 - abar]
  };
}

/** Fraction of points per bin along one coordinate (points outside [lo, hi] are not counted). */
export function histogram(points: Float32Array, dim: 0 | 1, lo: number, hi: number, bins: number): Float64Array {
  const h = new Float64Array(bins);
  const n = points.length / 2;
  const k = bins / (hi - lo);
  for (let i = 0; i < n; i++) {
    const b = Math.floor((points[2 * i + dim] - lo) * k);
    if (b >= 0 && b < bins) h[b] += 1;
  }
  for (let b = 0; b < bins; b++) h[b] /= n;
  return h;
}
