// Adam (Kingma & Ba 2015) over one flat parameter buffer, with bias correction and optional
// decoupled weight decay (AdamW). Moments are kept in float64.

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW), applied as p ← p − lr·wd·p. Default 0. */
  weightDecay?: number;
}

export class Adam {
  readonly m: Float64Array;
  readonly v: Float64Array;
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of steps taken. */
  t = 0;

  constructor(size: number, opts: AdamOptions = {}) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.lr = opts.lr ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  /** One update of params in place from grad (same length); lr overrides this.lr for this step. */
  step(params: Float32Array | Float64Array, grad: Float32Array | Float64Array, lr = this.lr): void {
    const n = this.m.length;
    if (params.length !== n || grad.length !== n) throw new Error(`Adam: expected ${n} parameters and gradients, got ${params.length} and ${grad.length}`);
    this.t++;
    const b1 = this.beta1,
      b2 = this.beta2;
    const c1 = 1 / (1 - Math.pow(b1, this.t));
    const c2 = 1 / (1 - Math.pow(b2, this.t));
    const m = this.m,
      v = this.v,
      eps = this.eps;
    const decay = 1 - lr * this.weightDecay;
    for (let i = 0; i < n; i++) {
      const g = grad[i];
      const mi = (m[i] = b1 * m[i] + (1 - b1) * g);
      const vi = (v[i] = b2 * v[i] + (1 - b2) * g * g);
      params[i] = params[i] * decay - (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
    }
  }

  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
    this.t = 0;
  }
}
