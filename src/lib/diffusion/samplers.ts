// Samplers: start from x_T ~ N(0, I) and walk back to t = 0 with a Denoiser.
//
//   ddpmSample          ancestral sampling (Ho et al. 2020), variance β̃ ('posterior') or β
//   ddpmNoNoiseSample   the same update without its noise term: collapses toward the mean
//   ddimSample          DDIM (Song, Meng & Ermon 2021), η ∈ [0, 1]: η = 0 deterministic, η = 1 = DDPM
//   odeSample           the probability-flow ODE (Song et al. 2021) with Euler or Heun (Karras et al. 2022)
//   ddimInvert          DDIM η = 0 run backwards, data → noise ("encode"); ddimSample({ init }) decodes
//   runSampler          dispatcher on a SamplerKind
//
// Conventions (as everywhere in the engine): t = 0 is data, t = T is noise, and
// x_t = sqrt(ᾱ_t) x_0 + sqrt(1 − ᾱ_t) ε. A run visits the integer steps `timesteps(T, steps,
// spacing)` from the top down and jumps from each to the next (after the last, to t = 0). Every
// sampler only ever asks the denoiser for ε̂ at grid steps t ∈ 1..T, through `predictEps` (the one
// place a denoiser is queried; classifier-free guidance lives there), so the ideal denoiser and
// the MLP both work with all of them. The starting x is N(0, I) (or opts.init) whatever the first
// visited step is: for 'leading' or 'linspace' spacings that start below T this is the usual
// (slightly wrong) practice of diffusers, kept on purpose so the difference can be shown.
//
// Recording: with `record`, trajectory[0] is the start, then the state after every
// `recordEvery`-th step and always the final samples; trajectoryT[j] is the step of trajectory[j].
// With `x0Pred` too, x0Trajectory[j] is the denoiser's x̂_0 = (x_t − sqrt(1 − ᾱ_t) ε̂)/sqrt(ᾱ_t)
// made at trajectory[j] (computed from the ε̂ the step uses anyway: no extra evaluations); the last
// entry is the samples themselves.
//
// nfe counts network evaluations per particle (one batched eps() call = 1; guidance doubles it).
import type { Denoiser } from './denoiser';
import type { Rng } from './rng';
import type { Schedule } from './schedules';

export type Spacing = 'linspace' | 'leading' | 'trailing';
export type SamplerKind = 'ddpm' | 'ddpm-no-noise' | 'ddim' | 'euler' | 'heun';
export const SPACINGS: readonly Spacing[] = ['linspace', 'leading', 'trailing'];
export const SAMPLER_KINDS: readonly SamplerKind[] = ['ddpm', 'ddpm-no-noise', 'ddim', 'euler', 'heun'];

/** Classifier-free guidance (Ho & Salimans 2022): ε̂ = ε̂(∅ or negative) + w·(ε̂(cls) − ε̂(∅ or negative)). */
export interface GuidanceOptions {
  /** Guidance scale w (1 = plain conditional, 0 = unconditional). */
  w: number;
  /** Class to guide toward. */
  cls: number;
  /** Class used in place of the null label for the "unconditional" branch (negative prompt); default −1 (null). */
  negative?: number;
}

export interface SampleOptions {
  /** Number of denoising steps (default T: every step). Fewer steps visit a subset chosen by `spacing`. */
  steps?: number;
  /** How the visited steps are chosen (see `timesteps`); default 'trailing' (T, T − T/steps, …). */
  spacing?: Spacing;
  /** Class to sample (conditional denoisers); −1/undefined = unconditional. Ignored when `guidance` is set. */
  cls?: number;
  /** Classifier-free guidance (conditional denoisers only). */
  guidance?: GuidanceOptions;
  /** Keep x after every step (trajectory[0] = start, last = the samples). */
  record?: boolean;
  /** Record only every k-th step (plus the first and last states). Default 1. */
  recordEvery?: number;
  /** With record: also keep the x̂_0 prediction made at each recorded state (x0Trajectory). */
  x0Pred?: boolean;
  /** DDPM: variance of the ancestral noise, the posterior β̃ (default) or β (both as in Ho et al. 2020). */
  variance?: 'posterior' | 'beta';
  /** DDIM: η in [0, 1] (default 0): σ = η·sqrt(β̃ of the jump). */
  eta?: number;
  /** Start from this x (2n floats) instead of drawing N(0, I) from rng. */
  init?: Float32Array;
  /** Called after each step with (steps done, total steps): progress bars in workers. */
  onProgress?: (done: number, total: number) => void;
}

export interface SampleResult {
  samples: Float32Array;
  /** States visited (when record is set): first the start, last the result. */
  trajectory?: Float32Array[];
  /** The t of each trajectory entry. */
  trajectoryT?: number[];
  /** With record and x0Pred: the x̂_0 predicted at each trajectory entry (last = the samples). */
  x0Trajectory?: Float32Array[];
  /** Steps visited, from the top down (the last one jumps to t = 0). ddimInvert: the same steps, visited bottom up. */
  timesteps: Int32Array;
  /** Network evaluations per particle. */
  nfe: number;
}

/** numpy's np.round: halves go to the even neighbour (so we match diffusers exactly, ties included). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The steps visited by a `steps`-step sampler, descending, in our convention t ∈ 1..T (t = 0 is
 * data). diffusers' DDIMScheduler numbers its training steps k = 0..T−1, and its k is our t = k + 1
 * (its alphas_cumprod[k] is our ᾱ_{k+1}); each spacing below is diffusers' formula (steps_offset = 0,
 * numpy rounding) plus one:
 *   'trailing' (default): t_i = round(T − i·T/steps) for i = 0..steps−1: starts at T, ends at T/steps.
 *                 T = 1000, steps = 10 → 1000, 900, …, 100.
 *   'leading':    t_i = (steps − 1 − i)·⌊T/steps⌋ + 1: ends at 1, never visits T.
 *                 T = 1000, steps = 10 → 901, 801, …, 101, 1.
 *   'linspace':   t_i = round((steps − 1 − i)·(T − 1)/(steps − 1)) + 1: from T down to 1.
 *                 T = 1000, steps = 10 → 1000, 889, 778, 667, 556, 445, 334, 223, 112, 1.
 * With steps = T all three give T, T − 1, …, 1. Each step jumps from timesteps[i] to
 * timesteps[i + 1] (or to 0 after the last). Rounding is numpy's (halves to even).
 */
export function timesteps(T: number, steps = T, spacing: Spacing = 'trailing'): Int32Array {
  if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new Error(`timesteps: steps must be an integer in 1..${T}, got ${steps}`);
  const out = new Int32Array(steps);
  if (spacing === 'trailing') {
    const ratio = T / steps;
    for (let i = 0; i < steps; i++) out[i] = roundHalfEven(T - i * ratio);
  } else if (spacing === 'leading') {
    const ratio = Math.floor(T / steps);
    for (let i = 0; i < steps; i++) out[i] = (steps - 1 - i) * ratio + 1;
  } else if (spacing === 'linspace') {
    if (steps === 1) out[0] = 1; // np.linspace(0, T − 1, 1) = [0]
    else {
      const d = (T - 1) / (steps - 1);
      for (let i = 0; i < steps; i++) out[i] = (i === 0 ? T - 1 : roundHalfEven((steps - 1 - i) * d)) + 1;
    }
  } else {
    throw new Error(`timesteps: unknown spacing "${spacing as string}" (expected linspace, leading or trailing)`);
  }
  return out;
}

/** Query the denoiser (the single entry point every sampler uses). Returns the evaluations it cost (1, or 2 with guidance). */
export function predictEps(
  den: Denoiser,
  x: Float32Array,
  n: number,
  t: number,
  out: Float32Array,
  cls?: number,
  guidance?: GuidanceOptions,
  scratch?: Float32Array
): number {
  if (guidance) {
    if (!den.conditional) throw new Error('predictEps: guidance needs a conditional denoiser');
    const u = scratch && scratch.length >= 2 * n ? scratch : new Float32Array(2 * n);
    den.eps(x, n, t, u, guidance.negative ?? -1);
    den.eps(x, n, t, out, guidance.cls);
    const w = guidance.w;
    for (let i = 0, m = 2 * n; i < m; i++) out[i] = u[i] + w * (out[i] - u[i]);
    return 2;
  }
  den.eps(x, n, t, out, den.conditional ? cls : undefined);
  return 1;
}

/** Coefficients of one step t → tPrev (< t):  x_tPrev = cx·x_t + ce·ε̂ + σ·z. */
export interface AncestralCoefs {
  cx: number;
  ce: number;
  sigma: number;
}

/**
 * The DDPM update from t to tPrev < t, with the "jump" schedule ᾱ_t/ᾱ_tPrev (so skipping steps
 * works): mean = posterior mean of q(x_tPrev | x_t, x̂_0) with x̂_0 = (x_t − sqrt(1−ᾱ_t) ε̂)/sqrt(ᾱ_t),
 * σ² = β̃ = (1 − ᾱ_tPrev)/(1 − ᾱ_t)·β' or β' = 1 − ᾱ_t/ᾱ_tPrev. No noise is added when tPrev = 0.
 */
export function ancestralCoefs(s: Schedule, t: number, tPrev: number, variance: 'posterior' | 'beta' = 'posterior'): AncestralCoefs {
  const ab = s.alphaBar[t],
    abp = s.alphaBar[tPrev];
  const a = ab / abp; // α' of the jump
  const b = 1 - a; // β' of the jump
  const c0 = (Math.sqrt(abp) * b) / (1 - ab);
  const ct = (Math.sqrt(a) * (1 - abp)) / (1 - ab);
  const cx = c0 / Math.sqrt(ab) + ct;
  const ce = -(c0 * Math.sqrt(1 - ab)) / Math.sqrt(ab);
  let sigma = 0;
  if (tPrev > 0) sigma = Math.sqrt(variance === 'beta' ? b : ((1 - abp) / (1 - ab)) * b);
  return { cx, ce, sigma };
}

/** β̃ of the jump t → tPrev: the variance of q(x_tPrev | x_t, x_0) (0 when tPrev = 0). */
export function posteriorVariance(s: Schedule, t: number, tPrev: number): number {
  if (tPrev <= 0) return 0;
  const ab = s.alphaBar[t],
    abp = s.alphaBar[tPrev];
  return ((1 - abp) / (1 - ab)) * (1 - ab / abp);
}

/**
 * The DDIM update t → tPrev (Song, Meng & Ermon 2021, eq. 12):
 *   x_tPrev = sqrt(ᾱ') x̂_0 + sqrt(1 − ᾱ' − σ²) ε̂ + σ z,   σ = η·sqrt(β̃ of the jump),
 * written as cx·x_t + ce·ε̂ + σ·z. η = 1 gives exactly DDPM's posterior mean and variance.
 */
export function ddimCoefs(s: Schedule, t: number, tPrev: number, eta = 0): AncestralCoefs {
  const sigma = eta === 0 ? 0 : eta * Math.sqrt(posteriorVariance(s, t, tPrev));
  return ddimJump(s.alphaBar[t], s.alphaBar[tPrev], sigma);
}

/**
 * The DDIM update between two noise levels given by their ᾱ (ab at the current step, abp at the
 * next), with noise σ: x' = cx·x + ce·ε̂ (+ σ·z). Shared with the Stable Diffusion pipeline
 * (sd/manifest.ts), which indexes ᾱ as diffusers does.
 */
export function ddimJump(ab: number, abp: number, sigma = 0): AncestralCoefs {
  const r = Math.sqrt(abp / ab);
  const ce = Math.sqrt(Math.max(0, 1 - abp - sigma * sigma)) - r * Math.sqrt(1 - ab);
  return { cx: r, ce, sigma };
}

/** σ(t) = sqrt((1 − ᾱ_t)/ᾱ_t), the noise level of the scaled variable y = x/sqrt(ᾱ_t) (Karras et al. 2022). */
export function sigmaOf(s: Schedule, t: number): number {
  return Math.sqrt((1 - s.alphaBar[t]) / s.alphaBar[t]);
}

function initNoise(n: number, rng: Rng, init?: Float32Array): Float32Array {
  const x = new Float32Array(2 * n);
  if (init) {
    if (init.length < 2 * n) throw new Error(`sampler: init holds ${init.length >> 1} points, need ${n}`);
    x.set(init.subarray(0, 2 * n));
  } else {
    for (let i = 0; i < 2 * n; i++) x[i] = rng.normal();
  }
  return x;
}

/** Keeps the trajectory / x̂_0 records for one run (see the header for what is recorded). */
class Recorder {
  readonly every: number;
  readonly traj?: Float32Array[];
  readonly trajT?: number[];
  readonly x0?: Float32Array[];
  constructor(opts: SampleOptions, x: Float32Array, t0: number) {
    this.every = Math.max(1, Math.floor(opts.recordEvery ?? 1));
    if (opts.record) {
      this.traj = [new Float32Array(x)];
      this.trajT = [t0];
      if (opts.x0Pred) this.x0 = [];
    }
  }
  /** Is the state at the start of step i a recorded one (so its x̂_0 is wanted)? */
  wantsX0(i: number): boolean {
    return !!this.x0 && i % this.every === 0;
  }
  /** Record x̂_0 from the ε̂ used at step i (x at step t). */
  pushX0(x: Float32Array, e: Float32Array, s: Schedule, t: number): void {
    const a = 1 / Math.sqrt(s.alphaBar[t]),
      b = Math.sqrt(1 - s.alphaBar[t]);
    const o = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) o[k] = a * (x[k] - b * e[k]);
    this.x0!.push(o);
  }
  after(i: number, x: Float32Array, tNext: number, last: boolean): void {
    if (!this.traj || !this.trajT) return;
    if ((i + 1) % this.every === 0 || last) {
      this.traj.push(new Float32Array(x));
      this.trajT.push(tNext);
      if (this.x0 && last) this.x0.push(new Float32Array(x));
    }
  }
  result(samples: Float32Array, ts: Int32Array, nfe: number): SampleResult {
    return { samples, trajectory: this.traj, trajectoryT: this.trajT, x0Trajectory: this.x0, timesteps: ts, nfe };
  }
}

function checkEta(eta: number): number {
  if (!(eta >= 0 && eta <= 1)) throw new Error(`ddimSample: eta must be in [0, 1], got ${eta}`);
  return eta;
}

/**
 * The loop shared by DDPM, no-noise DDPM and DDIM: each step is x ← cx·x + ce·ε̂ + σ·z with
 * coefficients from `coefs(t, tPrev)`.
 */
function linearStepSampler(
  den: Denoiser,
  s: Schedule,
  n: number,
  rng: Rng,
  opts: SampleOptions,
  coefs: (t: number, tPrev: number) => AncestralCoefs
): SampleResult {
  const ts = timesteps(s.T, opts.steps ?? s.T, opts.spacing);
  const x = initNoise(n, rng, opts.init);
  const e = new Float32Array(2 * n);
  const scratch = opts.guidance ? new Float32Array(2 * n) : undefined;
  const rec = new Recorder(opts, x, ts[0]);
  let nfe = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const tPrev = i + 1 < ts.length ? ts[i + 1] : 0;
    nfe += predictEps(den, x, n, t, e, opts.cls, opts.guidance, scratch);
    if (rec.wantsX0(i)) rec.pushX0(x, e, s, t);
    const { cx, ce, sigma } = coefs(t, tPrev);
    if (sigma > 0) {
      for (let k = 0; k < 2 * n; k++) x[k] = cx * x[k] + ce * e[k] + sigma * rng.normal();
    } else {
      for (let k = 0; k < 2 * n; k++) x[k] = cx * x[k] + ce * e[k];
    }
    rec.after(i, x, tPrev, i + 1 === ts.length);
    opts.onProgress?.(i + 1, ts.length);
  }
  return rec.result(x, ts, nfe);
}

/** Ancestral (DDPM) sampling of n points: x_T ~ N(0, I), then t = T..1 (or a spaced subset). */
export function ddpmSample(den: Denoiser, s: Schedule, n: number, rng: Rng, opts: SampleOptions = {}): SampleResult {
  return linearStepSampler(den, s, n, rng, opts, (t, tp) => ancestralCoefs(s, t, tp, opts.variance));
}

/**
 * DDPM's update with the noise term σ·z removed: every step moves to the posterior mean. Each
 * particle then follows a deterministic path that is *not* the probability-flow ODE: it
 * over-denoises, and the samples collapse toward the data's mean (their spread shrinks far below
 * the data's). The point of the figure that uses it: the noise is what keeps the spread right.
 */
export function ddpmNoNoiseSample(den: Denoiser, s: Schedule, n: number, rng: Rng, opts: SampleOptions = {}): SampleResult {
  return linearStepSampler(den, s, n, rng, opts, (t, tp) => {
    const c = ancestralCoefs(s, t, tp, opts.variance);
    c.sigma = 0;
    return c;
  });
}

/** DDIM sampling with η = opts.eta (default 0: deterministic given x_T, no random numbers used after x_T). */
export function ddimSample(den: Denoiser, s: Schedule, n: number, rng: Rng, opts: SampleOptions = {}): SampleResult {
  const eta = checkEta(opts.eta ?? 0);
  return linearStepSampler(den, s, n, rng, opts, (t, tp) => ddimCoefs(s, t, tp, eta));
}

/**
 * The probability-flow ODE (Song et al. 2021) solved with Euler or Heun steps between grid steps.
 * It is solved in the variables of Karras et al. 2022: y = x/sqrt(ᾱ_t) and σ = sqrt((1 − ᾱ_t)/ᾱ_t),
 * in which the ODE is simply
 *     dy/dσ = ε̂(x, t),      x = sqrt(ᾱ_t)·y,
 * nearly straight, so a few steps do well (in x and t it is stiff near t = 0). One step from t to
 * t' < t (σ > σ'):
 *   Euler:  y' = y + (σ' − σ)·ε̂(x, t)                                     (1 evaluation; this is DDIM η = 0)
 *   Heun:   ỹ  = y + (σ' − σ)·d₁,  d₁ = ε̂(x, t);  d₂ = ε̂(sqrt(ᾱ_t')·ỹ, t')
 *           y' = y + (σ' − σ)·(d₁ + d₂)/2                                (2 evaluations)
 * The last step (to t' = 0, σ' = 0, where ε̂ is undefined) is an Euler step, as in Karras et al.'s
 * Algorithm 1: Heun with k steps costs 2k − 1 evaluations, Euler with k steps costs k.
 * Both ends of every step are grid steps, so any Denoiser works.
 */
export function odeSample(
  den: Denoiser,
  s: Schedule,
  n: number,
  rng: Rng,
  opts: SampleOptions & { solver: 'euler' | 'heun' }
): SampleResult {
  const heun = opts.solver === 'heun';
  if (!heun && opts.solver !== 'euler') throw new Error(`odeSample: solver must be 'euler' or 'heun', got ${String(opts.solver)}`);
  const ts = timesteps(s.T, opts.steps ?? s.T, opts.spacing);
  const x = initNoise(n, rng, opts.init);
  const m = 2 * n;
  const d1 = new Float32Array(m);
  const d2 = heun ? new Float32Array(m) : d1;
  const xe = heun ? new Float32Array(m) : d1;
  const scratch = opts.guidance ? new Float32Array(m) : undefined;
  const rec = new Recorder(opts, x, ts[0]);
  let nfe = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    const tPrev = i + 1 < ts.length ? ts[i + 1] : 0;
    nfe += predictEps(den, x, n, t, d1, opts.cls, opts.guidance, scratch);
    if (rec.wantsX0(i)) rec.pushX0(x, d1, s, t);
    const ia = 1 / Math.sqrt(s.alphaBar[t]);
    const ap = Math.sqrt(s.alphaBar[tPrev]);
    const h = sigmaOf(s, tPrev) - sigmaOf(s, t);
    if (heun && tPrev > 0) {
      for (let k = 0; k < m; k++) xe[k] = ap * (ia * x[k] + h * d1[k]);
      nfe += predictEps(den, xe, n, tPrev, d2, opts.cls, opts.guidance, scratch);
      const hh = 0.5 * h;
      for (let k = 0; k < m; k++) x[k] = ap * (ia * x[k] + hh * (d1[k] + d2[k]));
    } else {
      for (let k = 0; k < m; k++) x[k] = ap * (ia * x[k] + h * d1[k]);
    }
    rec.after(i, x, tPrev, i + 1 === ts.length);
    opts.onProgress?.(i + 1, ts.length);
  }
  return rec.result(x, ts, nfe);
}

/**
 * DDIM inversion ("encoding", Song, Meng & Ermon 2021 §4.3; Dhariwal & Nichol 2021): the η = 0
 * update run upward from the data x0 (t = 0) through the same steps a `ddimSample` with these
 * options visits, ending at timesteps[0]. The step t → t' (> t) is
 *   x_t' = sqrt(ᾱ_t') x̂_0 + sqrt(1 − ᾱ_t') ε̂,   x̂_0 = (x_t − sqrt(1 − ᾱ_t) ε̂)/sqrt(ᾱ_t),
 * with ε̂ = ε̂(x_t, t') evaluated at the *upper* step (the usual approximation of the implicit
 * ε̂(x_t', t'), as diffusers' DDIMInverseScheduler; it also avoids asking for ε̂ at t = 0).
 * Decoding the result with ddimSample({ init, steps, spacing }) gives x0 back up to the
 * discretisation error, which shrinks with more steps. x0Pred is not recorded here.
 * trajectory (with record) runs from x0 (t = 0) up; trajectoryT likewise.
 */
export function ddimInvert(den: Denoiser, s: Schedule, x0: Float32Array, opts: SampleOptions = {}): SampleResult {
  if (x0.length % 2 !== 0) throw new Error('ddimInvert: x0 must hold interleaved 2D points');
  const n = x0.length >> 1;
  const ts = timesteps(s.T, opts.steps ?? s.T, opts.spacing);
  const x = new Float32Array(x0);
  const e = new Float32Array(2 * n);
  const scratch = opts.guidance ? new Float32Array(2 * n) : undefined;
  const rec = new Recorder({ ...opts, x0Pred: false }, x, 0);
  let nfe = 0;
  const L = ts.length;
  for (let i = 0; i < L; i++) {
    const t = i === 0 ? 0 : ts[L - i];
    const tNext = ts[L - 1 - i];
    nfe += predictEps(den, x, n, tNext, e, opts.cls, opts.guidance, scratch);
    const ab = s.alphaBar[t],
      abn = s.alphaBar[tNext];
    const r = Math.sqrt(abn / ab);
    const ce = Math.sqrt(1 - abn) - r * Math.sqrt(1 - ab);
    for (let k = 0; k < 2 * n; k++) x[k] = r * x[k] + ce * e[k];
    rec.after(i, x, tNext, i + 1 === L);
    opts.onProgress?.(i + 1, L);
  }
  return rec.result(x, ts, nfe);
}

/** Run any sampler by name ('euler'/'heun': odeSample with that solver). */
export function runSampler(kind: SamplerKind, den: Denoiser, s: Schedule, n: number, rng: Rng, opts: SampleOptions = {}): SampleResult {
  switch (kind) {
    case 'ddpm':
      return ddpmSample(den, s, n, rng, opts);
    case 'ddpm-no-noise':
      return ddpmNoNoiseSample(den, s, n, rng, opts);
    case 'ddim':
      return ddimSample(den, s, n, rng, opts);
    case 'euler':
    case 'heun':
      return odeSample(den, s, n, rng, { ...opts, solver: kind });
    default:
      throw new Error(`runSampler: unknown sampler "${kind as string}" (expected ${SAMPLER_KINDS.join(', ')})`);
  }
}

/**
 * Pack a recorded trajectory into one Float32Array (frame j at offset 2n·j): compact to store,
 * cheap to transfer from a worker, and what the figures scrub.
 */
export function packTrajectory(frames: Float32Array[]): Float32Array {
  if (frames.length === 0) return new Float32Array(0);
  const len = frames[0].length;
  const out = new Float32Array(len * frames.length);
  for (let j = 0; j < frames.length; j++) out.set(frames[j], j * len);
  return out;
}
