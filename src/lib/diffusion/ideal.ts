// The ideal denoiser of an empirical dataset {x_0^i}: if the data distribution were exactly the
// N points, the best possible prediction of x_0 from x_t is the posterior mean
//   E[x_0 | x_t] = Σ_i w_i x_0^i,   w_i ∝ exp(−|x_t − sqrt(ᾱ_t) x_0^i|² / (2(1 − ᾱ_t))),
// a softmax over data points (computed stably: subtract the largest logit before exponentiating).
// A network trained long enough on those N points converges to this; it is also the exact score
// of p_t = (1/N) Σ_i N(sqrt(ᾱ_t) x_0^i, (1 − ᾱ_t) I). Conditioning on class c restricts the sum
// to that class's points.
import type { Denoiser } from './denoiser';
import { checkStep, type Schedule } from './schedules';

/** Logits more than this far below the largest contribute < e^−50 ≈ 2e−22 of it: skipped. */
const CUTOFF = -50;

interface Group {
  /** Interleaved points of this group (all data, or one class), as float64. */
  pts: Float64Array;
  n: number;
}

export class IdealDenoiser implements Denoiser {
  readonly conditional: boolean;
  readonly n: number;
  readonly numClasses: number;
  #all: Group;
  #classes: Group[] = [];
  #logits: Float64Array;

  /**
   * data: interleaved points, or a Dataset-like object (its labels are used unless `labels` is given).
   * With labels the denoiser is conditional: eps/x0Hat with cls ≥ 0 use only class cls.
   */
  constructor(
    data: Float32Array | Float64Array | { points: Float32Array; labels?: Uint8Array; numClasses?: number },
    readonly schedule: Schedule,
    labels?: Uint8Array | null
  ) {
    const pts = data instanceof Float32Array || data instanceof Float64Array ? data : data.points;
    const lab = labels ?? (data instanceof Float32Array || data instanceof Float64Array ? undefined : data.labels);
    if (pts.length % 2 !== 0) throw new Error('IdealDenoiser: points must be interleaved [x0, y0, x1, y1, ...]');
    this.n = pts.length / 2;
    if (this.n === 0) throw new Error('IdealDenoiser: the dataset is empty');
    this.#all = { pts: Float64Array.from(pts), n: this.n };
    this.#logits = new Float64Array(this.n);
    this.conditional = !!lab;
    if (lab) {
      if (lab.length !== this.n) throw new Error(`IdealDenoiser: ${lab.length} labels for ${this.n} points`);
      let k = 0;
      for (let i = 0; i < this.n; i++) k = Math.max(k, lab[i] + 1);
      const declared = data instanceof Float32Array || data instanceof Float64Array ? 0 : (data.numClasses ?? 0);
      k = Math.max(k, declared);
      const counts = new Int32Array(k);
      for (let i = 0; i < this.n; i++) counts[lab[i]]++;
      this.#classes = Array.from({ length: k }, (_, c) => ({ pts: new Float64Array(2 * counts[c]), n: 0 }));
      for (let i = 0; i < this.n; i++) {
        const g = this.#classes[lab[i]];
        g.pts[2 * g.n] = pts[2 * i];
        g.pts[2 * g.n + 1] = pts[2 * i + 1];
        g.n++;
      }
      this.numClasses = k;
    } else {
      this.numClasses = 0;
    }
  }

  #group(cls: number | undefined): Group {
    if (cls === undefined || cls < 0) return this.#all;
    if (!this.conditional) throw new Error(`IdealDenoiser: this denoiser has no labels, it cannot be asked for class ${cls}`);
    if (!Number.isInteger(cls) || cls >= this.numClasses) throw new Error(`IdealDenoiser: class ${cls} out of range 0..${this.numClasses - 1}`);
    const g = this.#classes[cls];
    if (g.n === 0) throw new Error(`IdealDenoiser: class ${cls} has no data points`);
    return g;
  }

  /** Posterior mean E[x_0 | x_t] for n points at step t (0..T); at t = 0, the nearest data point. */
  x0Hat(xt: Float32Array, n: number, t: number, out: Float32Array, cls?: number): void {
    checkStep(t, this.schedule, 'IdealDenoiser.x0Hat');
    const g = this.#group(cls);
    const P = g.pts,
      N = g.n;
    const ab = this.schedule.alphaBar[t];
    const a = Math.sqrt(ab);
    const v = 1 - ab;
    if (t === 0 || !(v > 0)) {
      for (let q = 0; q < n; q++) {
        const qx = xt[2 * q],
          qy = xt[2 * q + 1];
        let best = Infinity,
          bi = 0;
        for (let i = 0; i < N; i++) {
          const dx = qx - P[2 * i],
            dy = qy - P[2 * i + 1];
          const d = dx * dx + dy * dy;
          if (d < best) {
            best = d;
            bi = i;
          }
        }
        out[2 * q] = P[2 * bi];
        out[2 * q + 1] = P[2 * bi + 1];
      }
      return;
    }
    const k = -0.5 / v;
    const L = this.#logits;
    for (let q = 0; q < n; q++) {
      // x_t / sqrt(ᾱ) vs data: |x_t − a x_i|² = a² |x_t/a − x_i|²; work with x_t − a x_i directly.
      const qx = xt[2 * q],
        qy = xt[2 * q + 1];
      let mx = -Infinity;
      for (let i = 0; i < N; i++) {
        const dx = qx - a * P[2 * i],
          dy = qy - a * P[2 * i + 1];
        const l = k * (dx * dx + dy * dy);
        L[i] = l;
        if (l > mx) mx = l;
      }
      let sw = 0,
        sx = 0,
        sy = 0;
      const cut = mx + CUTOFF;
      for (let i = 0; i < N; i++) {
        const l = L[i];
        if (l > cut) {
          const w = Math.exp(l - mx);
          sw += w;
          sx += w * P[2 * i];
          sy += w * P[2 * i + 1];
        }
      }
      out[2 * q] = sx / sw;
      out[2 * q + 1] = sy / sw;
    }
  }

  /** ε̂ = (x_t − sqrt(ᾱ_t) E[x_0|x_t]) / sqrt(1 − ᾱ_t); at t = 0, ε̂ = 0. */
  eps(xt: Float32Array, n: number, t: number, out: Float32Array, cls?: number): void {
    checkStep(t, this.schedule, 'IdealDenoiser.eps');
    if (t === 0) {
      out.fill(0, 0, 2 * n);
      return;
    }
    this.x0Hat(xt, n, t, out, cls);
    const ab = this.schedule.alphaBar[t];
    const a = Math.sqrt(ab);
    const b = 1 / Math.sqrt(1 - ab);
    for (let i = 0, m = 2 * n; i < m; i++) out[i] = b * (xt[i] - a * out[i]);
  }

  /** Exact score ∇ log p_t(x_t) = (sqrt(ᾱ_t) E[x_0|x_t] − x_t) / (1 − ᾱ_t) (t in 1..T). */
  score(xt: Float32Array, n: number, t: number, out: Float32Array, cls?: number): void {
    checkStep(t, this.schedule, 'IdealDenoiser.score', 1);
    this.x0Hat(xt, n, t, out, cls);
    const ab = this.schedule.alphaBar[t];
    const a = Math.sqrt(ab);
    const k = 1 / (1 - ab);
    for (let i = 0, m = 2 * n; i < m; i++) out[i] = k * (a * out[i] - xt[i]);
  }

  /** log p_t(x) of the noised empirical distribution (1/N) Σ_i N(x; sqrt(ᾱ_t) x_0^i, (1 − ᾱ_t) I), t in 1..T. */
  logDensity(xt: Float32Array, n: number, t: number, out: Float32Array | Float64Array, cls?: number): void {
    checkStep(t, this.schedule, 'IdealDenoiser.logDensity', 1);
    const g = this.#group(cls);
    const P = g.pts,
      N = g.n;
    const ab = this.schedule.alphaBar[t];
    const a = Math.sqrt(ab);
    const v = 1 - ab;
    const k = -0.5 / v;
    const L = this.#logits;
    const lognorm = -Math.log(2 * Math.PI * v) - Math.log(N);
    for (let q = 0; q < n; q++) {
      const qx = xt[2 * q],
        qy = xt[2 * q + 1];
      let mx = -Infinity;
      for (let i = 0; i < N; i++) {
        const dx = qx - a * P[2 * i],
          dy = qy - a * P[2 * i + 1];
        const l = k * (dx * dx + dy * dy);
        L[i] = l;
        if (l > mx) mx = l;
      }
      let sw = 0;
      for (let i = 0; i < N; i++) if (L[i] > mx + CUTOFF) sw += Math.exp(L[i] - mx);
      out[q] = mx + Math.log(sw) + lognorm;
    }
  }
}
