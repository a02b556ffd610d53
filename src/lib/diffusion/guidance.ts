// Classifier-free guidance (Ho & Salimans 2022) for any conditional Denoiser, plus the two
// measurements chapter 6 plots against the guidance weight w.
//
// Notation (content/notation.svx):   ε̃ = ε_∅ + w (ε_c − ε_∅)
//   w = 1: the conditional model alone (no guidance); w = 0: the unconditional model;
//   w > 1: further towards c; w < 0: away from c.
// Negative prompts (Stable Diffusion) replace the empty prompt ∅ by a negative condition n:
//   ε̃ = ε_n + w (ε_c − ε_n),
// so the sampler moves towards c *and away from n*. Here `neg` is a class index (−1 = ∅, the
// plain formula). With no target at all (target −1) and neg = n, ε̃ = ε_n + w(ε_∅ − ε_n):
// "anything but n".
import type { Denoiser } from './denoiser';
import type { Schedule } from './schedules';

/** out = base + w (cond − base) for the first 2n floats (the guidance formula, elementwise). */
export function combineGuidance(cond: Float32Array, base: Float32Array, w: number, out: Float32Array, n = cond.length >> 1): Float32Array {
  for (let i = 0, m = 2 * n; i < m; i++) out[i] = base[i] + w * (cond[i] - base[i]);
  return out;
}

/**
 * A guided denoiser: eps(x, n, t, out) = ε_neg + w (ε_cls − ε_neg), with ε_neg the unconditional
 * (null-label) prediction when neg = −1. It has its condition built in, so it reports
 * conditional = false and ignores the cls argument samplers pass.
 * w = 1 costs one evaluation (ε_cls), w = 0 one (ε_neg), anything else two.
 */
export class GuidedDenoiser implements Denoiser {
  readonly conditional = false;
  #scratch = new Float32Array(0);

  constructor(
    readonly base: Denoiser,
    readonly cls: number,
    readonly w: number,
    readonly neg = -1
  ) {
    if (!base.conditional && (cls >= 0 || neg >= 0)) throw new Error('GuidedDenoiser: the base denoiser is not conditional, it cannot be guided towards a class');
    if (!Number.isFinite(w)) throw new Error(`GuidedDenoiser: the guidance weight must be a finite number, got ${w}`);
    if (!Number.isInteger(cls) || !Number.isInteger(neg)) throw new Error('GuidedDenoiser: classes must be integers (−1 = none)');
  }

  eps(xt: Float32Array, n: number, t: number, out: Float32Array): void {
    const c = this.cls < 0 ? -1 : this.cls;
    const u = this.neg < 0 ? -1 : this.neg;
    if (this.w === 1 || c === u) {
      this.base.eps(xt, n, t, out, c);
      return;
    }
    if (this.w === 0) {
      this.base.eps(xt, n, t, out, u);
      return;
    }
    if (this.#scratch.length < 2 * n) this.#scratch = new Float32Array(2 * n);
    const s = this.#scratch;
    this.base.eps(xt, n, t, out, c);
    this.base.eps(xt, n, t, s, u);
    combineGuidance(out, s, this.w, out, n);
  }
}

/** The guided denoiser for target class cls at weight w (neg = −1: classifier-free guidance; neg ≥ 0: a negative class). */
export function guided(base: Denoiser, cls: number, w: number, neg = -1): GuidedDenoiser {
  return new GuidedDenoiser(base, cls, w, neg);
}

// ---- the four arrows at a probe point ----

export type Vec2 = [number, number];

export interface ProbeArrows {
  /** Unconditional (or negative-class) prediction ε_∅ (ε_neg) at the point. */
  epsUncond: Vec2;
  /** Conditional prediction ε_c. */
  epsCond: Vec2;
  /** Guided prediction ε_∅ + w (ε_c − ε_∅). */
  epsGuided: Vec2;
  /**
   * The same three as denoising arrows d = x̂_0 − x_t: from the point to the clean point each
   * prediction implies, x̂_0 = (x_t − sqrt(1 − ᾱ_t) ε̂)/sqrt(ᾱ_t). x̂_0 is an affine function of ε̂
   * whose weights sum to one, so guided = uncond + w · diff holds for these arrows too, and
   * diff ∝ −(ε_c − ε_∅) points along the implicit classifier's gradient ∇ log p_t(c | x).
   */
  uncond: Vec2;
  cond: Vec2;
  /** cond − uncond: the direction guidance amplifies. */
  diff: Vec2;
  guided: Vec2;
  /** The denoised guesses x̂_0 of the three predictions. */
  x0Uncond: Vec2;
  x0Cond: Vec2;
  x0Guided: Vec2;
}

/** The four arrows of chapter 6 at point (x, y), step t (1..T), target class cls, weight w, and optional negative class. */
export function probeArrows(den: Denoiser, s: Schedule, x: number, y: number, t: number, cls: number, w: number, neg = -1): ProbeArrows {
  if (!Number.isInteger(t) || t < 1 || t > s.T) throw new Error(`probeArrows: t must be an integer in 1..${s.T}, got ${t}`);
  const p = Float32Array.of(x, y);
  const ec = new Float32Array(2), eu = new Float32Array(2);
  den.eps(p, 1, t, ec, cls < 0 ? -1 : cls);
  den.eps(p, 1, t, eu, neg < 0 ? -1 : neg);
  const eg: Vec2 = [eu[0] + w * (ec[0] - eu[0]), eu[1] + w * (ec[1] - eu[1])];
  const k = -Math.sqrt(1 - s.alphaBar[t]);
  const a = Math.sqrt(s.alphaBar[t]);
  const x0 = (e: ArrayLike<number>): Vec2 => [(x + k * e[0]) / a, (y + k * e[1]) / a];
  const x0u = x0(eu), x0c = x0(ec), x0g = x0(eg);
  const d = (p: Vec2): Vec2 => [p[0] - x, p[1] - y];
  const uncond = d(x0u), cond = d(x0c);
  return {
    epsUncond: [eu[0], eu[1]],
    epsCond: [ec[0], ec[1]],
    epsGuided: eg,
    uncond,
    cond,
    diff: [cond[0] - uncond[0], cond[1] - uncond[1]],
    guided: d(x0g),
    x0Uncond: x0u,
    x0Cond: x0c,
    x0Guided: x0g
  };
}

// ---- measurements: which arm did a sample land on, and how much of the arm is covered ----

/**
 * Nearest-neighbour classification against labelled reference points (e.g. 3,000 fresh points
 * of the dataset): for each sample, the label of the nearest reference point and the distance to
 * it. A spatial hash keeps this fast (cells of size `cell`; points farther than that from every
 * reference point are found by a full scan).
 */
export class ArmClassifier {
  readonly ref: Float32Array;
  readonly labels: Uint8Array;
  readonly numClasses: number;
  #cell: number;
  #grid = new Map<number, number[]>();

  constructor(ref: Float32Array, labels: Uint8Array, cell = 0.05) {
    if (ref.length !== 2 * labels.length || labels.length === 0) throw new Error('ArmClassifier: need one label per reference point (and at least one point)');
    this.ref = ref;
    this.labels = labels;
    let k = 0;
    for (const l of labels) k = Math.max(k, l + 1);
    this.numClasses = k;
    this.#cell = cell;
    for (let i = 0; i < labels.length; i++) {
      const key = this.#key(Math.floor(ref[2 * i] / cell), Math.floor(ref[2 * i + 1] / cell));
      let b = this.#grid.get(key);
      if (!b) this.#grid.set(key, (b = []));
      b.push(i);
    }
  }

  #key(i: number, j: number): number {
    return (i + 4096) * 8192 + (j + 4096);
  }

  /** Index of the nearest reference point to (x, y), and the distance. */
  nearest(x: number, y: number): { index: number; dist: number } {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return { index: -1, dist: Infinity };
    const c = this.#cell;
    const ci = Math.floor(x / c), cj = Math.floor(y / c);
    let best = Infinity, bi = -1;
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++) {
        const b = this.#grid.get(this.#key(ci + di, cj + dj));
        if (!b) continue;
        for (const i of b) {
          const dx = x - this.ref[2 * i], dy = y - this.ref[2 * i + 1];
          const d = dx * dx + dy * dy;
          if (d < best) {
            best = d;
            bi = i;
          }
        }
      }
    // Exact only if the best candidate is within one cell (anything outside the 3×3 block is ≥ c away).
    if (bi < 0 || best > c * c) {
      for (let i = 0, n = this.labels.length; i < n; i++) {
        const dx = x - this.ref[2 * i], dy = y - this.ref[2 * i + 1];
        const d = dx * dx + dy * dy;
        if (d < best) {
          best = d;
          bi = i;
        }
      }
    }
    return { index: bi, dist: Math.sqrt(best) };
  }

  /** Label of the nearest reference point per sample, or 255 where it is farther than maxDist. */
  classify(samples: Float32Array, maxDist = Infinity): Uint8Array {
    const n = samples.length >> 1;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = this.nearest(samples[2 * i], samples[2 * i + 1]);
      out[i] = r.index >= 0 && r.dist <= maxDist ? this.labels[r.index] : 255;
    }
    return out;
  }
}

/** A sample counts as "on an arm" when it lies within this distance of that arm's data (≈ 4 × the arm's noise 0.02). */
export const ON_ARM_DIST = 0.08;

/** Share of samples whose class (from classify) is cls: the class accuracy. Off-data samples (255) count as misses. */
export function classShare(assigned: Uint8Array, cls: number): number {
  if (assigned.length === 0) return NaN;
  let k = 0;
  for (const a of assigned) if (a === cls) k++;
  return k / assigned.length;
}

/** Accuracy: share of the samples that lie on the arm of class cls (nearest labelled point is of class cls and within maxDist). */
export function armAccuracy(samples: Float32Array, cls: number, clf: ArmClassifier, maxDist = ON_ARM_DIST): number {
  return classShare(clf.classify(samples, maxDist), cls);
}

/** Trace of the covariance (total variance) of a point cloud. */
export function totalVariance(points: Float32Array): number {
  const n = points.length >> 1;
  if (n < 2) return 0;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += points[2 * i];
    my += points[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (points[2 * i] - mx) ** 2 + (points[2 * i + 1] - my) ** 2;
  return v / (n - 1);
}

/**
 * Coverage of one arm, a diversity measure in [0, 1]: split the arm into `bins` stretches holding
 * equal numbers of its reference points (by distance from the centre, which grows along a spiral
 * arm), histogram the samples that landed on the arm (nearest reference point of class cls within
 * maxDist) over the same stretches, and return the overlap Σ_b min(p_b, 1/bins) with the data's
 * uniform histogram (1 − total-variation distance). 1: the samples spread along the arm like the
 * data; 1/bins: all of them in one stretch; 0: none on the arm.
 */
export function armCoverage(samples: Float32Array, cls: number, clf: ArmClassifier, bins = 10, maxDist = ON_ARM_DIST): number {
  const radii: number[] = [];
  for (let i = 0; i < clf.labels.length; i++) if (clf.labels[i] === cls) radii.push(Math.hypot(clf.ref[2 * i], clf.ref[2 * i + 1]));
  if (radii.length < bins) return NaN;
  radii.sort((a, b) => a - b);
  // Bin edges at quantiles of the reference radii.
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) edges.push(radii[Math.floor((b * radii.length) / bins)]);
  const counts = new Float64Array(bins);
  let on = 0;
  const n = samples.length >> 1;
  for (let i = 0; i < n; i++) {
    const x = samples[2 * i], y = samples[2 * i + 1];
    const r = clf.nearest(x, y);
    if (r.index < 0 || r.dist > maxDist || clf.labels[r.index] !== cls) continue;
    // Bin by the matched reference point's radius (robust to the sample's small offset from the arm).
    const rad = Math.hypot(clf.ref[2 * r.index], clf.ref[2 * r.index + 1]);
    let b = 0;
    while (b < edges.length && rad >= edges[b]) b++;
    counts[b]++;
    on++;
  }
  if (on === 0) return 0;
  let overlap = 0;
  for (let b = 0; b < bins; b++) overlap += Math.min(counts[b] / on, 1 / bins);
  return overlap;
}
