// Distances between 2D point clouds (interleaved Float32Arrays) and their moments.
//
// slicedWasserstein: SW₂(a, b) = sqrt( E_θ W₂²(⟨a, θ⟩, ⟨b, θ⟩) ), θ a direction on the unit circle.
// Each 1D W₂ is exact for the two empirical distributions: it integrates the squared difference of
// their quantile functions, so unequal sizes need no resampling. The P directions are stratified:
// angle_k = π (k + u_k) / P with u_k uniform, so they cover the half-circle evenly (directions θ and
// −θ give the same W₂) while staying random and unbiased.
//
// Handy closed form (used in the tests): for N(m₁, I) vs N(m₂, I) every projection is a shift
// by ⟨m₁ − m₂, θ⟩, so W₂² = |Δm|² cos²φ and SW₂ = |Δm| sqrt(E cos²φ) = |Δm| / √2.
import { Rng } from './rng';
import { datasetSampler, type BuiltinDatasetName } from './datasets';

let bufA = new Float64Array(0);
let bufB = new Float64Array(0);

/** Exact W₂² between the empirical distributions of sorted arrays A[0..n) and B[0..m). */
export function w2SquaredSorted(A: Float64Array, n: number, B: Float64Array, m: number): number {
  if (n === m) {
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const d = A[i] - B[i];
      acc += d * d;
    }
    return acc / n;
  }
  // Quantile functions are step functions with breaks at i/n and j/m: integrate piece by piece.
  let i = 0,
    j = 0,
    u = 0,
    acc = 0;
  while (i < n && j < m) {
    const ca = (i + 1) * m; // compare (i+1)/n with (j+1)/m exactly in integers
    const cb = (j + 1) * n;
    const next = ca <= cb ? (i + 1) / n : (j + 1) / m;
    const d = A[i] - B[j];
    acc += (next - u) * d * d;
    u = next;
    if (ca <= cb) i++;
    if (cb <= ca) j++;
  }
  return acc;
}

/**
 * Sliced 2-Wasserstein distance between point clouds a and b (interleaved 2D, sizes may differ),
 * over `projections` stratified random directions drawn from rng.
 */
export function slicedWasserstein(a: Float32Array, b: Float32Array, rng: Rng, projections = 128): number {
  const n = a.length >> 1,
    m = b.length >> 1;
  if (n === 0 || m === 0) throw new Error('slicedWasserstein: both point sets must be non-empty');
  if (!(projections >= 1)) throw new Error('slicedWasserstein: projections must be ≥ 1');
  if (bufA.length < n) bufA = new Float64Array(n);
  if (bufB.length < m) bufB = new Float64Array(m);
  const A = bufA.subarray(0, n),
    B = bufB.subarray(0, m);
  let total = 0;
  for (let k = 0; k < projections; k++) {
    const ang = (Math.PI * (k + rng.next())) / projections;
    const c = Math.cos(ang),
      s = Math.sin(ang);
    for (let i = 0; i < n; i++) A[i] = c * a[2 * i] + s * a[2 * i + 1];
    for (let j = 0; j < m; j++) B[j] = c * b[2 * j] + s * b[2 * j + 1];
    A.sort();
    B.sort();
    total += w2SquaredSorted(A, n, B, m);
  }
  return Math.sqrt(total / projections);
}

/** Median pairwise distance of the pooled sample (at most ~400 points, taken by stride): the RBF bandwidth heuristic. */
export function medianDistance(a: Float32Array, b: Float32Array): number {
  const pool: number[] = [];
  const take = (p: Float32Array) => {
    const n = p.length >> 1;
    const stride = Math.max(1, Math.ceil(n / 200));
    for (let i = 0; i < n; i += stride) pool.push(p[2 * i], p[2 * i + 1]);
  };
  take(a);
  take(b);
  const k = pool.length >> 1;
  const d: number[] = [];
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) d.push(Math.hypot(pool[2 * i] - pool[2 * j], pool[2 * i + 1] - pool[2 * j + 1]));
  d.sort((x, y) => x - y);
  return d.length ? d[d.length >> 1] : 1;
}

function kernelSum(a: Float32Array, b: Float32Array, k: number, same: boolean): number {
  const n = a.length >> 1,
    m = b.length >> 1;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const x = a[2 * i],
      y = a[2 * i + 1];
    for (let j = same ? i + 1 : 0; j < m; j++) {
      const dx = x - b[2 * j],
        dy = y - b[2 * j + 1];
      acc += Math.exp(k * (dx * dx + dy * dy));
    }
  }
  return same ? 2 * acc : acc;
}

/**
 * Unbiased estimate of the squared maximum mean discrepancy MMD² between a and b with the RBF
 * kernel k(x, y) = exp(−|x − y|² / (2 h²)), h = bandwidth (default: median pairwise distance).
 * It is ≈ 0 (and may be slightly negative) when a and b come from the same distribution.
 */
export function mmd(a: Float32Array, b: Float32Array, bandwidth?: number): number {
  const n = a.length >> 1,
    m = b.length >> 1;
  if (n < 2 || m < 2) throw new Error('mmd: each point set needs at least 2 points');
  const h = bandwidth ?? medianDistance(a, b);
  if (!(h > 0)) throw new Error(`mmd: bandwidth must be positive, got ${h}`);
  const k = -0.5 / (h * h);
  const kaa = kernelSum(a, a, k, true) / (n * (n - 1));
  const kbb = kernelSum(b, b, k, true) / (m * (m - 1));
  const kab = kernelSum(a, b, k, false) / (n * m);
  return kaa + kbb - 2 * kab;
}

/** Mean and (population, 1/n) covariance [xx, xy, yy] of a point cloud. */
export function meanCov(points: Float32Array | Float64Array): { mean: [number, number]; cov: [number, number, number] } {
  const n = points.length >> 1;
  if (n === 0) return { mean: [NaN, NaN], cov: [NaN, NaN, NaN] };
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i];
    my += points[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let xx = 0,
    xy = 0,
    yy = 0;
  for (let i = 0; i < n; i++) {
    const dx = points[2 * i] - mx,
      dy = points[2 * i + 1] - my;
    xx += dx * dx;
    xy += dx * dy;
    yy += dy * dy;
  }
  return { mean: [mx, my], cov: [xx / n, xy / n, yy / n] };
}

/**
 * Where data points come from for noise floors: a sampler (n, rng) → points, a built-in dataset
 * name, or a fixed pool of points (a Float32Array or anything with `points`) to subsample.
 */
export type PointSource = ((n: number, rng: Rng) => Float32Array) | BuiltinDatasetName | Float32Array | { points: Float32Array };

/** Draw n points from a source. Pools are subsampled without replacement (with replacement if n exceeds the pool). */
export function drawPoints(src: PointSource, n: number, rng: Rng, exclude?: Uint8Array): Float32Array {
  if (typeof src === 'function') return src(n, rng);
  if (typeof src === 'string') return datasetSampler(src)(n, rng);
  const pool = src instanceof Float32Array ? src : src.points;
  const N = pool.length >> 1;
  if (N === 0) throw new Error('drawPoints: the point pool is empty');
  const out = new Float32Array(2 * n);
  const free = exclude ? N - exclude.reduce((s, v) => s + v, 0) : N;
  if (n <= free) {
    // Partial Fisher–Yates over the indices not excluded.
    const idx: number[] = [];
    for (let i = 0; i < N; i++) if (!exclude || !exclude[i]) idx.push(i);
    for (let k = 0; k < n; k++) {
      const r = k + rng.int(idx.length - k);
      const tmp = idx[k];
      idx[k] = idx[r];
      idx[r] = tmp;
      const i = idx[k];
      if (exclude) exclude[i] = 1;
      out[2 * k] = pool[2 * i];
      out[2 * k + 1] = pool[2 * i + 1];
    }
  } else {
    for (let k = 0; k < n; k++) {
      const i = rng.int(N);
      out[2 * k] = pool[2 * i];
      out[2 * k + 1] = pool[2 * i + 1];
    }
  }
  return out;
}

/**
 * The sliced Wasserstein distance between two independent data samples of size n: what sampling
 * noise alone gives, the floor that a perfect generative model's n samples would sit at.
 * With a pool, the two samples are disjoint subsets when the pool has at least 2n points.
 */
export function noiseFloor(src: PointSource, n: number, rng: Rng, projections = 128): number {
  let a: Float32Array, b: Float32Array;
  if (typeof src === 'function' || typeof src === 'string') {
    a = drawPoints(src, n, rng);
    b = drawPoints(src, n, rng);
  } else {
    const N = (src instanceof Float32Array ? src : src.points).length >> 1;
    const used = new Uint8Array(N);
    a = drawPoints(src, n, rng, used);
    b = drawPoints(src, n, rng, N >= 2 * n ? used : undefined);
  }
  return slicedWasserstein(a, b, rng, projections);
}

/**
 * How close generated samples are to the data: SW(samples, fresh data sample of the same size),
 * the noise floor at that size, and their ratio (1 ≈ indistinguishable at this n). Averaged over
 * `repeats` independent draws of the data samples to steady the estimate.
 */
export function compareToData(
  samples: Float32Array,
  src: PointSource,
  rng: Rng,
  opts: { projections?: number; repeats?: number } = {}
): { sw: number; floor: number; ratio: number } {
  const n = samples.length >> 1;
  const P = opts.projections ?? 128;
  const R = opts.repeats ?? 3;
  let sw = 0,
    floor = 0;
  for (let r = 0; r < R; r++) {
    sw += slicedWasserstein(samples, drawPoints(src, n, rng), rng, P);
    floor += noiseFloor(src, n, rng, P);
  }
  sw /= R;
  floor /= R;
  return { sw, floor, ratio: sw / floor };
}
