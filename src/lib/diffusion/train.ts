// Training the MLP noise predictor (DDPM's "simple" loss):
//   L = || ε − ε_θ( sqrt(ᾱ_t) x_0 + sqrt(1 − ᾱ_t) ε, t ) ||²,   x_0 ~ data, t ~ U{1..T}, ε ~ N(0, I),
// averaged over a mini-batch, minimised with Adam. Extras that make the most of a few seconds of
// training (all deterministic given the seed):
//  - stratified t: the batch's t values cover 1..T evenly (one per stratum of width T/B), which
//    keeps each t uniform on 1..T but removes most of the batch-to-batch variance of the loss;
//  - linear learning-rate warm-up, then (if totalSteps is set) cosine decay to minLrFrac·lr;
//  - an exponential moving average (EMA) of the weights, used for sampling (trainer.model()).
// Classifier-free guidance: with probability labelDropout a sample's class is replaced by the
// null class (index numClasses), so the same network learns ε(x_t, t, c) and ε(x_t, t, ∅).
import { Adam } from './adam';
import type { Dataset } from './datasets';
import { MLP, type MLPConfig } from './mlp';
import { Rng } from './rng';
import type { Schedule } from './schedules';

export interface TrainOptions {
  lr?: number;
  batch?: number;
  seed: number;
  /** Probability of training on the null label (classifier-free guidance); conditional nets only. */
  labelDropout?: number;
  /** Loss weighting: only 'eps' (the unweighted DDPM loss) for now. */
  lossWeighting?: 'eps';
  /** Linear warm-up length in steps. */
  warmupSteps?: number;
  /**
   * The learning rate decays (cosine) to minLrFrac·lr at this step and stays there (default
   * DEFAULT_TRAIN_STEPS); pass undefined explicitly for a constant rate after warm-up.
   */
  totalSteps?: number;
  minLrFrac?: number;
  /** EMA decay of the sampling weights (0 = no EMA). The decay ramps up as min(emaDecay, (1+k)/(10+k)). */
  emaDecay?: number;
  /** Clip the gradient's global L2 norm to this (0 = off). */
  gradClip?: number;
}

/**
 * Default network: 32 wide, 3 layers (≈ 3.6k weights). Chosen to train well within ~8 s on one
 * core and to sample fast (numbers in models/mlp/README.md and bench/results/engine-node.json).
 */
export const DEFAULT_MLP_CONFIG: Readonly<MLPConfig> = Object.freeze({ hidden: 32, depth: 3, tEmbDim: 8, numClasses: 0, T: 1000, xFreqs: 6 });

/** Steps of the in-browser "train it yourself" run: fits in ~8 s of one core (Node ≈ a worker). */
export const DEFAULT_TRAIN_STEPS = 4000;

/** Default training options (seed is the caller's; this one makes the defaults reproducible). */
export const DEFAULT_TRAIN_OPTS: Readonly<Required<Omit<TrainOptions, 'totalSteps'>> & { totalSteps: number | undefined }> = Object.freeze({
  lr: 1e-2,
  batch: 128,
  seed: 1,
  labelDropout: 0.15,
  lossWeighting: 'eps' as const,
  warmupSteps: 100,
  /** The cosine decay ends here; training may go on past it at minLrFrac·lr. */
  totalSteps: DEFAULT_TRAIN_STEPS,
  minLrFrac: 0.05,
  emaDecay: 0.995,
  gradClip: 0
});

export class Trainer {
  readonly mlp: MLP;
  readonly data: Dataset;
  readonly schedule: Schedule;
  readonly opts: Required<Omit<TrainOptions, 'totalSteps'>> & { totalSteps: number | undefined };
  readonly adam: Adam;
  /** EMA of the weights (null if emaDecay = 0). */
  readonly ema: Float32Array | null;
  /** Steps taken so far. */
  steps = 0;
  /** Loss of every step taken. */
  readonly lossHistory: number[] = [];
  /** Exponentially smoothed loss (decay 0.98), the number worth showing. */
  smoothedLoss = NaN;

  readonly #rng: Rng;
  readonly #grad: Float64Array;
  readonly #xt: Float64Array;
  readonly #eps: Float64Array;
  readonly #pred: Float64Array;
  readonly #dOut: Float64Array;
  readonly #t: Int32Array;
  readonly #cls: Int32Array;
  readonly #sa: Float64Array;
  readonly #sb: Float64Array;

  constructor(mlp: MLP, data: Dataset, s: Schedule, opts: TrainOptions) {
    if (mlp.cfg.T !== s.T) throw new Error(`Trainer: the network was built for T = ${mlp.cfg.T} but the schedule has T = ${s.T}`);
    if (!(data.n >= 1) || data.points.length < 2 * data.n) throw new Error('Trainer: the dataset is empty');
    if (mlp.conditional) {
      if (!data.labels) throw new Error('Trainer: a conditional network needs a labelled dataset');
      for (let i = 0; i < data.n; i++) {
        if (data.labels[i] >= mlp.cfg.numClasses) throw new Error(`Trainer: label ${data.labels[i]} but the network has ${mlp.cfg.numClasses} classes`);
      }
    }
    const d = DEFAULT_TRAIN_OPTS;
    this.opts = {
      lr: opts.lr ?? d.lr,
      batch: opts.batch ?? d.batch,
      seed: opts.seed,
      labelDropout: opts.labelDropout ?? d.labelDropout,
      lossWeighting: opts.lossWeighting ?? 'eps',
      warmupSteps: opts.warmupSteps ?? d.warmupSteps,
      totalSteps: 'totalSteps' in opts ? opts.totalSteps : d.totalSteps,
      minLrFrac: opts.minLrFrac ?? d.minLrFrac,
      emaDecay: opts.emaDecay ?? d.emaDecay,
      gradClip: opts.gradClip ?? d.gradClip
    };
    if (this.opts.lossWeighting !== 'eps') throw new Error(`Trainer: unknown loss weighting "${this.opts.lossWeighting}"`);
    const B = this.opts.batch;
    if (!Number.isInteger(B) || B < 1) throw new Error(`Trainer: batch must be a positive integer, got ${B}`);
    this.mlp = mlp;
    mlp.dataset = data.name;
    mlp.schedule = s.name;
    this.data = data;
    this.schedule = s;
    this.#rng = new Rng(opts.seed);
    this.adam = new Adam(mlp.paramCount, { lr: this.opts.lr });
    this.ema = this.opts.emaDecay > 0 ? new Float32Array(mlp.params) : null;
    this.#grad = new Float64Array(mlp.paramCount);
    this.#xt = new Float64Array(2 * B);
    this.#eps = new Float64Array(2 * B);
    this.#pred = new Float64Array(2 * B);
    this.#dOut = new Float64Array(2 * B);
    this.#t = new Int32Array(B);
    this.#cls = new Int32Array(B);
    this.#sa = new Float64Array(s.T + 1);
    this.#sb = new Float64Array(s.T + 1);
    for (let t = 0; t <= s.T; t++) {
      this.#sa[t] = Math.sqrt(s.alphaBar[t]);
      this.#sb[t] = Math.sqrt(1 - s.alphaBar[t]);
    }
  }

  /** Learning rate at step k (0-based): warm-up, then constant or cosine decay. */
  lrAt(k: number): number {
    const { lr, warmupSteps, totalSteps, minLrFrac } = this.opts;
    if (k < warmupSteps) return (lr * (k + 1)) / warmupSteps;
    if (totalSteps === undefined || totalSteps <= warmupSteps) return lr;
    const f = Math.min(1, (k - warmupSteps) / (totalSteps - warmupSteps));
    return lr * (minLrFrac + (1 - minLrFrac) * 0.5 * (1 + Math.cos(Math.PI * f)));
  }

  /** One optimisation step on a fresh mini-batch; returns the batch loss (mean over the batch of ||ε − ε̂||²). */
  step(): number {
    const B = this.opts.batch;
    const T = this.schedule.T;
    const rng = this.#rng;
    const P = this.data.points,
      N = this.data.n,
      labels = this.data.labels;
    const xt = this.#xt,
      eps = this.#eps,
      tt = this.#t,
      cls = this.#cls;
    const sa = this.#sa,
      sb = this.#sb;
    const conditional = this.mlp.conditional;
    const drop = this.opts.labelDropout;
    for (let i = 0; i < B; i++) {
      const k = rng.int(N);
      // Stratified: t_i uniform in the i-th of B equal strata of [0, T), + 1 → each t_i ~ U{1..T} marginally.
      const t = 1 + Math.min(T - 1, Math.floor(((i + rng.next()) * T) / B));
      const e0 = rng.normal(),
        e1 = rng.normal();
      tt[i] = t;
      eps[2 * i] = e0;
      eps[2 * i + 1] = e1;
      xt[2 * i] = sa[t] * P[2 * k] + sb[t] * e0;
      xt[2 * i + 1] = sa[t] * P[2 * k + 1] + sb[t] * e1;
      cls[i] = conditional && labels ? (rng.next() < drop ? -1 : labels[k]) : -1;
    }
    const pred = this.#pred,
      dOut = this.#dOut;
    this.mlp.forwardBatch(xt, tt, conditional ? cls : null, B, pred);
    let loss = 0;
    const g = 2 / B;
    for (let i = 0; i < 2 * B; i++) {
      const r = pred[i] - eps[i];
      loss += r * r;
      dOut[i] = g * r;
    }
    loss /= B;
    const grad = this.#grad;
    grad.fill(0);
    this.mlp.backward(dOut, grad);
    if (this.opts.gradClip > 0) {
      let s = 0;
      for (let i = 0; i < grad.length; i++) s += grad[i] * grad[i];
      const norm = Math.sqrt(s);
      if (norm > this.opts.gradClip) {
        const f = this.opts.gradClip / norm;
        for (let i = 0; i < grad.length; i++) grad[i] *= f;
      }
    }
    this.adam.step(this.mlp.params, grad, this.lrAt(this.steps));
    if (this.ema) {
      const dcy = Math.min(this.opts.emaDecay, (1 + this.steps) / (10 + this.steps));
      const e = this.ema,
        p = this.mlp.params,
        c = 1 - dcy;
      for (let i = 0; i < e.length; i++) e[i] += c * (p[i] - e[i]);
    }
    this.steps++;
    this.lossHistory.push(loss);
    this.smoothedLoss = Number.isNaN(this.smoothedLoss) ? loss : 0.98 * this.smoothedLoss + 0.02 * loss;
    this.mlp.trainedSteps++;
    this.mlp.finalLoss = this.smoothedLoss;
    if (!Number.isFinite(loss)) throw new Error(`Trainer: the loss became ${loss} at step ${this.steps} (learning rate too high?)`);
    return loss;
  }

  /** Run k steps; returns the mean loss over them. */
  run(k: number): number {
    let s = 0;
    for (let i = 0; i < k; i++) s += this.step();
    return k > 0 ? s / k : NaN;
  }

  /** The network to sample with: a copy holding the EMA weights (or the raw weights without EMA). */
  model(): MLP {
    const m = this.mlp.clone();
    if (this.ema) m.params.set(this.ema);
    m.dataset = this.data.name;
    m.schedule = this.schedule.name;
    return m;
  }
}
