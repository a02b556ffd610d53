// Chapter 3: helpers shared by the vector-field figures (grid evaluation, display scaling,
// particle flow). The maths (ε predictions) is the engine's Denoiser interface.
import type { Denoiser } from '$lib/diffusion/denoiser';
import type { Schedule } from '$lib/diffusion/schedules';

export const GRID = 32;
export const EXTENT: [number, number, number, number] = [-1.5, 1.5, -1.5, 1.5];

/** The GRID × GRID node positions (row-major, y rows bottom to top), interleaved. */
export function gridPoints(n = GRID, extent = EXTENT): Float32Array {
  const [x0, x1, y0, y1] = extent;
  const out = new Float32Array(2 * n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      out[2 * (j * n + i)] = x0 + ((x1 - x0) * i) / (n - 1);
      out[2 * (j * n + i) + 1] = y0 + ((y1 - y0) * j) / (n - 1);
    }
  return out;
}

/** −ε̂(x, t) at every point (the direction the field points: downhill in noise, uphill in density). */
export function minusEps(den: Denoiser, pts: Float32Array, t: number): Float32Array {
  const n = pts.length >> 1;
  const out = new Float32Array(2 * n);
  den.eps(pts, n, t, out);
  for (let i = 0; i < out.length; i++) out[i] = -out[i];
  return out;
}

/** A robust reference length for display: the q-quantile of the arrow lengths. */
export function lengthQuantile(v: Float32Array, q = 0.35): number {
  const n = v.length >> 1;
  const L = new Float64Array(n);
  for (let i = 0; i < n; i++) L[i] = Math.hypot(v[2 * i], v[2 * i + 1]);
  L.sort();
  return Math.max(1e-9, L[Math.min(n - 1, Math.floor(q * n))]);
}

/**
 * Arrows for display: same directions, lengths compressed so that directions stay readable
 * everywhere: full length from |v| = ref up, sqrt(|v| / ref) below, at least 0.4 (longest = 1).
 */
export function displayArrows(v: Float32Array, ref: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i += 2) {
    const len = Math.hypot(v[i], v[i + 1]);
    if (!(len > 0)) continue;
    const k = Math.max(0.4, Math.sqrt(Math.min(len, ref) / ref)) / len;
    out[i] = v[i] * k;
    out[i + 1] = v[i + 1] * k;
  }
  return out;
}

/** Median angle in degrees between two fields (ignoring near-zero arrows). */
export function medianAngle(a: Float32Array, b: Float32Array): number {
  const ang: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    const la = Math.hypot(a[i], a[i + 1]), lb = Math.hypot(b[i], b[i + 1]);
    if (la < 1e-6 || lb < 1e-6) continue;
    const c = (a[i] * b[i] + a[i + 1] * b[i + 1]) / (la * lb);
    ang.push((Math.acos(Math.max(-1, Math.min(1, c))) * 180) / Math.PI);
  }
  if (!ang.length) return NaN;
  ang.sort((x, y) => x - y);
  return ang[ang.length >> 1];
}

/**
 * Move particles a fraction `rate` of the way along the field at fixed t:
 * x ← x − rate·sqrt(1 − ᾱ_t)·ε̂(x, t), i.e. towards sqrt(ᾱ_t)·x̂_0. Returns the new array.
 */
export function flowStep(den: Denoiser, x: Float32Array, t: number, s: Schedule, rate: number, scratch?: Float32Array): Float32Array {
  const n = x.length >> 1;
  const e = scratch && scratch.length >= x.length ? scratch : new Float32Array(x.length);
  den.eps(x, n, t, e);
  const k = rate * Math.sqrt(1 - s.alphaBar[t]);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] - k * e[i];
    out[i] = v > 3 ? 3 : v < -3 ? -3 : v;
  }
  return out;
}

/** Mean of a point cloud. */
export function mean2(p: Float32Array): [number, number] {
  const n = p.length >> 1;
  let x = 0, y = 0;
  for (let i = 0; i < n; i++) {
    x += p[2 * i];
    y += p[2 * i + 1];
  }
  return [x / n, y / n];
}
