// Toy 2D datasets in "model space": a two-pixel image with intensities p ∈ [0, 1] is the point
// x = 2p − 1 (as in DDPM), so every dataset fits in about [−0.9, 0.9]² inside the square [−1, 1]².
// Points are interleaved Float32Arrays [x0, y0, x1, y1, ...]; everything is a pure function of
// (name, n, seed).
import { Rng } from './rng';

export type DatasetName = 'spiral' | 'moons' | 'checkerboard' | 'gmm' | 'spiral3' | 'drawn';
export type BuiltinDatasetName = Exclude<DatasetName, 'drawn'>;

export interface Dataset {
  name: DatasetName;
  n: number;
  points: Float32Array;
  labels?: Uint8Array;
  /** 0 if unlabeled. */
  numClasses: number;
  classNames?: string[];
}

export const DATASETS: ReadonlyArray<{ name: DatasetName; label: string; description: string }> = [
  { name: 'spiral', label: 'Spiral', description: 'A one-armed Swiss roll, thin as a pencil line: the running example of the book.' },
  { name: 'moons', label: 'Two moons', description: 'Two interlocking half-circles (the classic “moons”).' },
  { name: 'checkerboard', label: 'Checkerboard', description: 'Points spread evenly over the dark squares of a 4 × 4 board.' },
  { name: 'gmm', label: '8 Gaussians', description: 'Eight small Gaussian blobs evenly spaced on a ring.' },
  { name: 'spiral3', label: 'Three spirals', description: 'Three interleaved arms, one per class: person, cat and dog.' },
  { name: 'drawn', label: 'Your drawing', description: 'Points sampled along the strokes you draw.' }
];

export const BUILTIN_DATASET_NAMES: readonly BuiltinDatasetName[] = ['spiral', 'moons', 'checkerboard', 'gmm', 'spiral3'];

// ---- parameters of each shape (model-space units) ----
/** Spiral: Swiss roll angle range (as sklearn's make_swiss_roll: 1.5π … 4.5π), outer radius, noise. */
export const SPIRAL = { thetaMin: 1.5 * Math.PI, thetaMax: 4.5 * Math.PI, radius: 0.9, noise: 0.015 };
/** Three spirals: inner/outer radius, turns per arm, noise. */
export const SPIRAL3 = { r0: 0.12, r1: 0.9, turns: 1.15, noise: 0.02 };
/** Eight Gaussians: ring radius and per-blob standard deviation. */
export const GMM = { k: 8, radius: 0.7, std: 0.06 };
/** Two moons: sklearn's make_moons geometry (x ∈ [−1, 2], y ∈ [−0.5, 1]) centred and scaled by 0.6, noise 0.05 before scaling. */
export const MOONS = { scale: 0.6, noise: 0.05 };
/** Checkerboard: FFJORD's board on [−2, 2]² scaled by 0.45. */
export const CHECKER = { scale: 0.45 };
/** Standard deviation of the jitter added to points sampled along drawn strokes. */
export const STROKE_JITTER = 0.012;

function checkN(n: number, who: string) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${who}: n must be a non-negative integer, got ${n}`);
}

/** Fill `out` (2n floats) with n points of a built-in dataset drawn with `rng`; labels too if given. */
export function sampleInto(name: BuiltinDatasetName, n: number, rng: Rng, out: Float32Array, labels?: Uint8Array): void {
  switch (name) {
    case 'spiral': {
      const { thetaMin: a, thetaMax: b, radius, noise } = SPIRAL;
      const k = radius / b;
      for (let i = 0; i < n; i++) {
        // θ = sqrt(a² + u(b² − a²)) makes points (nearly) uniform in arc length along r ∝ θ.
        const th = Math.sqrt(a * a + rng.next() * (b * b - a * a));
        out[2 * i] = k * th * Math.cos(th) + noise * rng.normal();
        out[2 * i + 1] = k * th * Math.sin(th) + noise * rng.normal();
      }
      return;
    }
    case 'spiral3': {
      const { r0, r1, turns, noise } = SPIRAL3;
      const d = r1 - r0;
      for (let i = 0; i < n; i++) {
        const c = i % 3;
        // r = r0 + d·s with s chosen so points are (nearly) uniform in arc length.
        const s = (Math.sqrt(r0 * r0 + rng.next() * (r1 * r1 - r0 * r0)) - r0) / d;
        const r = r0 + d * s;
        const phi = (2 * Math.PI * c) / 3 + 2 * Math.PI * turns * s;
        out[2 * i] = r * Math.cos(phi) + noise * rng.normal();
        out[2 * i + 1] = r * Math.sin(phi) + noise * rng.normal();
        if (labels) labels[i] = c;
      }
      return;
    }
    case 'gmm': {
      const { k, radius, std } = GMM;
      for (let i = 0; i < n; i++) {
        const c = rng.int(k);
        const phi = (2 * Math.PI * c) / k;
        out[2 * i] = radius * Math.cos(phi) + std * rng.normal();
        out[2 * i + 1] = radius * Math.sin(phi) + std * rng.normal();
        if (labels) labels[i] = c;
      }
      return;
    }
    case 'moons': {
      const { scale, noise } = MOONS;
      for (let i = 0; i < n; i++) {
        const th = Math.PI * rng.next();
        const lower = rng.next() < 0.5;
        let x = lower ? 1 - Math.cos(th) : Math.cos(th);
        let y = lower ? 0.5 - Math.sin(th) : Math.sin(th);
        x += noise * rng.normal();
        y += noise * rng.normal();
        out[2 * i] = scale * (x - 0.5);
        out[2 * i + 1] = scale * (y - 0.25);
        if (labels) labels[i] = lower ? 1 : 0;
      }
      return;
    }
    case 'checkerboard': {
      const { scale } = CHECKER;
      for (let i = 0; i < n; i++) {
        // FFJORD: x1 ~ U[−2, 2); x2 ~ U[0,1) − 2·{0,1} + (floor(x1) mod 2): the 8 dark squares.
        const x1 = 4 * rng.next() - 2;
        const x2 = rng.next() - 2 * rng.int(2) + (((Math.floor(x1) % 2) + 2) % 2);
        out[2 * i] = scale * x1;
        out[2 * i + 1] = scale * x2;
      }
      return;
    }
    default:
      throw new Error(`makeDataset: unknown dataset "${name as string}" (expected ${BUILTIN_DATASET_NAMES.join(', ')})`);
  }
}

const CLASS_INFO: Partial<Record<BuiltinDatasetName, string[]>> = {
  spiral3: ['person', 'cat', 'dog'],
  moons: ['upper', 'lower'],
  gmm: ['E', 'NE', 'N', 'NW', 'W', 'SW', 'S', 'SE']
};

/**
 * n points of a built-in dataset. spiral3 (classes person/cat/dog), moons (upper/lower) and gmm
 * (one class per blob) come with labels; spiral and checkerboard have none (numClasses = 0).
 */
export function makeDataset(name: BuiltinDatasetName, n: number, seed: number): Dataset {
  checkN(n, 'makeDataset');
  if (!BUILTIN_DATASET_NAMES.includes(name)) {
    throw new Error(`makeDataset: unknown dataset "${name as string}" (expected ${BUILTIN_DATASET_NAMES.join(', ')})`);
  }
  const rng = new Rng(seed);
  const points = new Float32Array(2 * n);
  const classNames = CLASS_INFO[name];
  const labels = classNames ? new Uint8Array(n) : undefined;
  sampleInto(name, n, rng, points, labels);
  return classNames ? { name, n, points, labels, numClasses: classNames.length, classNames: [...classNames] } : { name, n, points, numClasses: 0 };
}

/** A sampler for a built-in dataset: fresh points from `rng` (used for noise floors). */
export function datasetSampler(name: BuiltinDatasetName): (n: number, rng: Rng) => Float32Array {
  return (n, rng) => {
    const out = new Float32Array(2 * n);
    sampleInto(name, n, rng, out);
    return out;
  };
}

/**
 * n points sampled uniformly by arc length along polylines the reader drew (in model space),
 * each with a little Gaussian jitter. A stroke of a single point counts as a dot; if the strokes
 * have no length at all, the dots themselves are sampled. Throws if there is nothing to sample.
 */
export function datasetFromStrokes(strokes: Array<Array<[number, number]>>, n: number, seed: number, jitter = STROKE_JITTER): Dataset {
  checkN(n, 'datasetFromStrokes');
  const segs: number[] = []; // x0, y0, x1, y1 per segment
  const dots: number[] = [];
  for (const stroke of strokes ?? []) {
    const pts = (stroke ?? []).filter((p) => p && Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (pts.length === 1) dots.push(pts[0][0], pts[0][1]);
    for (let i = 1; i < pts.length; i++) segs.push(pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1]);
  }
  const nSeg = segs.length / 4;
  const cum = new Float64Array(nSeg + 1);
  for (let s = 0; s < nSeg; s++) cum[s + 1] = cum[s] + Math.hypot(segs[4 * s + 2] - segs[4 * s], segs[4 * s + 3] - segs[4 * s + 1]);
  const L = cum[nSeg];
  if (!(L > 0) && dots.length === 0) {
    // Segments of zero length are dots too.
    for (let s = 0; s < nSeg; s++) dots.push(segs[4 * s], segs[4 * s + 1]);
  }
  if (!(L > 0) && dots.length === 0) {
    throw new Error('datasetFromStrokes: the drawing is empty: draw at least one stroke to make a dataset.');
  }
  const rng = new Rng(seed);
  const points = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    let x: number, y: number;
    if (L > 0) {
      const u = rng.next() * L;
      let lo = 0,
        hi = nSeg - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid + 1] <= u) lo = mid + 1;
        else hi = mid;
      }
      const len = cum[lo + 1] - cum[lo];
      const f = len > 0 ? (u - cum[lo]) / len : 0;
      x = segs[4 * lo] + f * (segs[4 * lo + 2] - segs[4 * lo]);
      y = segs[4 * lo + 1] + f * (segs[4 * lo + 3] - segs[4 * lo + 1]);
    } else {
      const k = rng.int(dots.length / 2);
      x = dots[2 * k];
      y = dots[2 * k + 1];
    }
    points[2 * i] = x + jitter * rng.normal();
    points[2 * i + 1] = y + jitter * rng.normal();
  }
  return { name: 'drawn', n, points, numClasses: 0 };
}
