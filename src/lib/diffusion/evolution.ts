// Diffusion Evolution (Zhang, Hartl, Hazan & Levin 2024, “Diffusion Models are Evolutionary
// Algorithms”, arXiv:2410.02543): a diffusion sampler with no neural network, whose “dataset”
// is the current population weighted by fitness. And a (μ, λ) evolution strategy to compare with.
//
// Notation as in the rest of the book: t = 0 is data, t = T is noise,
// x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.
//
// One generation of Diffusion Evolution, from time t to the earlier time s < t:
//   1. evaluate fitness f_j of every individual x_j (in landscape units, scale · x_j);
//   2. for each individual i, estimate its “clean” point as a weighted average of the population,
//        x̂_0(i) = Σ_j w_ij x_j,   w_ij ∝ g(f_j) · N(x_i; √ᾱ_t x_j, (1 − ᾱ_t) I),
//      i.e. the posterior mean E[x_0 | x_t = x_i] when the population, reweighted by g(f), stands
//      in for samples of the data distribution;
//   3. take a DDIM step (Song, Meng & Ermon 2021) with that x̂_0:
//        ε̂ = (x_i − √ᾱ_t x̂_0) / √(1 − ᾱ_t)
//        x_s = √ᾱ_s x̂_0 + √(1 − ᾱ_s − σ²) ε̂ + σ z,
//        σ = η √((1 − ᾱ_s)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_s)     (η = 1: DDPM's variance; η = 0: deterministic)
//
// Choices (documented in Chapter 7):
// - g(f) = exp(f / τ), a Boltzmann/softmax map with temperature τ, as the paper's “energy”
//   mapping. Only ratios of g matter (each individual's weights are normalised), so subtracting the
//   population's best fitness changes nothing and keeps the exponentials finite.
// - The population lives in normalised units, x_T ~ N(0, I); fitness is evaluated at scale · x, where
//   `scale` comes from the landscape. Recorded positions are in landscape units.
// - Time: the engine's schedule with T = 1000 (cosine by default), visited with an even stride of
//   T/G, as DDIM does, so G generations run t = T, T − T/G, …, 0. The last step lands on ᾱ_0 = 1,
//   where x_0 = x̂_0.
// - Weights are computed in log space (log-sum-exp), so the narrow kernels of the last steps do
//   not underflow.
import { Rng } from './rng';
import { makeSchedule, type ScheduleName } from './schedules';
import type { Landscape, LandscapeName, Optimum } from './landscapes';

export type Algorithm = 'diffusion' | 'es';

export interface EvolutionOptions {
  /** Population size. */
  n: number;
  /** Number of generations G (diffusion: sampling steps). */
  generations: number;
  seed: number;
  /** Diffusion Evolution: temperature τ of g(f) = exp(f/τ) (default: the landscape's suggestion). */
  temperature?: number;
  /** Diffusion Evolution: noise multiplier η on the DDPM σ_t (1 = DDPM, 0 = deterministic DDIM). */
  eta?: number;
  /** Diffusion Evolution: which schedule, with T steps (default cosine, T = 1000). */
  schedule?: ScheduleName;
  T?: number;
  /** ES: fraction of the population kept as parents (truncation selection). */
  parentFraction?: number;
  /** ES: mutation size at the first and the last generation, in landscape units × scale. */
  sigmaStart?: number;
  sigmaEnd?: number;
}

export const EVOLUTION_DEFAULTS = {
  eta: 1,
  schedule: 'cosine' as ScheduleName,
  T: 1000,
  parentFraction: 0.25,
  sigmaStart: 0.3,
  sigmaEnd: 0.005
};

export interface EvolutionRun {
  algorithm: Algorithm;
  landscape: LandscapeName;
  n: number;
  generations: number;
  seed: number;
  /** Positions of generation g (0 … G) at offset 2n·g, interleaved (x, y), landscape units. */
  positions: Float32Array;
  /** Fitness of generation g at offset n·g. */
  fitness: Float32Array;
  /** Best fitness in each generation. */
  best: Float64Array;
  /** Diffusion: the time t of each generation (T … 0); ES: the generation index. */
  t: Int32Array;
  /** Diffusion: ᾱ_t of each generation; ES: NaN. */
  alphaBar: Float64Array;
  /** Mutation size used to make generation g + 1 (diffusion: σ_t · scale; ES: σ_g). */
  sigma: Float64Array;
  /** Diffusion: x̂_0 used to make generation g + 1, at offset 2n·g, landscape units. */
  x0hat?: Float32Array;
  params: Record<string, number | string>;
}

/** The strided DDIM timesteps from T to 0 in G steps: ts[g] is the time of generation g. */
export function evolutionTimesteps(T: number, G: number): Int32Array {
  if (!(G >= 1 && G <= T)) throw new Error(`generations must be between 1 and T = ${T}, got ${G}`);
  const ts = new Int32Array(G + 1);
  for (let g = 0; g <= G; g++) ts[g] = Math.round(((G - g) * T) / G);
  return ts;
}

/** DDIM/DDPM noise level for a jump t → s (s < t), scaled by η. */
export function ddimSigma(abarT: number, abarS: number, eta: number): number {
  if (eta === 0 || abarS <= abarT) return 0;
  const v = ((1 - abarS) / (1 - abarT)) * (1 - abarT / abarS);
  return eta * Math.sqrt(Math.max(0, v));
}

export type WeightMode = 'both' | 'kernel' | 'fitness';

/**
 * Normalised weights w_j (j = 0 … n−1) that an individual at (xi, yi) gives each member of the
 * population when it estimates its clean point: w_j ∝ g(f_j) · N(x_i; √ᾱ x_j, (1 − ᾱ) I), with
 * `logG[j]` = log g(f_j). Mode 'kernel' drops the fitness factor (plain denoising: the ideal
 * denoiser of the population), 'fitness' drops the distance factor (plain fitness-proportional
 * selection). Positions in normalised units.
 */
export function x0WeightsAt(
  z: ArrayLike<number>,
  n: number,
  logG: ArrayLike<number>,
  xi: number,
  yi: number,
  abar: number,
  out: Float64Array,
  mode: WeightMode = 'both'
): Float64Array {
  const sa = Math.sqrt(abar);
  const inv2v = 1 / (2 * Math.max(1e-12, 1 - abar));
  let mx = -Infinity;
  for (let j = 0; j < n; j++) {
    let lw = 0;
    if (mode !== 'fitness') {
      const dx = xi - sa * z[2 * j], dy = yi - sa * z[2 * j + 1];
      lw -= (dx * dx + dy * dy) * inv2v;
    }
    if (mode !== 'kernel') lw += logG[j];
    out[j] = lw;
    if (lw > mx) mx = lw;
  }
  let s = 0;
  for (let j = 0; j < n; j++) {
    const w = Math.exp(out[j] - mx);
    out[j] = w;
    s += w;
  }
  for (let j = 0; j < n; j++) out[j] /= s;
  return out;
}

/** The weights individual i (a member of the population) gives every member: see x0WeightsAt. */
export function x0Weights(
  z: ArrayLike<number>,
  n: number,
  logG: ArrayLike<number>,
  i: number,
  abar: number,
  out: Float64Array,
  mode: WeightMode = 'both'
): Float64Array {
  return x0WeightsAt(z, n, logG, z[2 * i], z[2 * i + 1], abar, out, mode);
}

/** x̂_0 for one individual at (xi, yi): the weighted average of the population; `weights` receives w_j. */
export function x0HatAt(
  z: ArrayLike<number>,
  n: number,
  logG: ArrayLike<number>,
  xi: number,
  yi: number,
  abar: number,
  weights = new Float64Array(n),
  mode: WeightMode = 'both'
): [number, number] {
  x0WeightsAt(z, n, logG, xi, yi, abar, weights, mode);
  let ax = 0, ay = 0;
  for (let j = 0; j < n; j++) {
    ax += weights[j] * z[2 * j];
    ay += weights[j] * z[2 * j + 1];
  }
  return [ax, ay];
}

/** x̂_0 for every individual (normalised units), written interleaved into `out`. */
export function estimateX0(
  z: ArrayLike<number>,
  n: number,
  logG: ArrayLike<number>,
  abar: number,
  out: Float32Array | Float64Array,
  scratch = new Float64Array(n),
  mode: WeightMode = 'both'
): void {
  for (let i = 0; i < n; i++) {
    x0Weights(z, n, logG, i, abar, scratch, mode);
    let ax = 0, ay = 0;
    for (let j = 0; j < n; j++) {
      ax += scratch[j] * z[2 * j];
      ay += scratch[j] * z[2 * j + 1];
    }
    out[2 * i] = ax;
    out[2 * i + 1] = ay;
  }
}

/** log g(f) = f/τ for each individual, shifted by the best so exponentials stay finite. */
export function logFitnessWeights(fit: ArrayLike<number>, n: number, temperature: number, out = new Float64Array(n)): Float64Array {
  if (!(temperature > 0)) throw new Error(`temperature must be positive, got ${temperature}`);
  let mx = -Infinity;
  for (let j = 0; j < n; j++) if (fit[j] > mx) mx = fit[j];
  for (let j = 0; j < n; j++) out[j] = (fit[j] - mx) / temperature;
  return out;
}

/**
 * One DDIM step for the whole population, t → s, given x̂_0: returns σ. `z` and `out` may alias.
 * Normalised units.
 */
export function ddimUpdate(
  z: ArrayLike<number>,
  x0: ArrayLike<number>,
  n: number,
  abarT: number,
  abarS: number,
  eta: number,
  rng: Rng,
  out: Float32Array | Float64Array
): number {
  const sigma = ddimSigma(abarT, abarS, eta);
  const sqT = Math.sqrt(abarT), sqS = Math.sqrt(abarS);
  const invNoise = 1 / Math.sqrt(Math.max(1e-12, 1 - abarT));
  const dir = Math.sqrt(Math.max(0, 1 - abarS - sigma * sigma));
  for (let k = 0; k < 2 * n; k++) {
    const epsHat = (z[k] - sqT * x0[k]) * invNoise;
    out[k] = sqS * x0[k] + dir * epsHat + (sigma > 0 ? sigma * rng.normal() : 0);
  }
  return sigma;
}

/**
 * The DDIM step for a single point (normalised units) without its fresh noise: the mean of x_s
 * given x_t and x̂_0, and the σ of the noise that would be added around it.
 */
export function ddimMean(
  xt: [number, number],
  x0: [number, number],
  abarT: number,
  abarS: number,
  eta: number
): { mean: [number, number]; sigma: number; epsHat: [number, number] } {
  const sigma = ddimSigma(abarT, abarS, eta);
  const invNoise = 1 / Math.sqrt(Math.max(1e-12, 1 - abarT));
  const dir = Math.sqrt(Math.max(0, 1 - abarS - sigma * sigma));
  const e: [number, number] = [(xt[0] - Math.sqrt(abarT) * x0[0]) * invNoise, (xt[1] - Math.sqrt(abarT) * x0[1]) * invNoise];
  const sq = Math.sqrt(abarS);
  return { mean: [sq * x0[0] + dir * e[0], sq * x0[1] + dir * e[1]], sigma, epsHat: e };
}

function checkOptions(o: EvolutionOptions) {
  if (!Number.isInteger(o.n) || o.n < 2) throw new Error(`population size must be a whole number ≥ 2, got ${o.n}`);
  if (!Number.isInteger(o.generations) || o.generations < 1) throw new Error(`generations must be a whole number ≥ 1, got ${o.generations}`);
}

function bestOf(fit: Float32Array, off: number, n: number): number {
  let b = -Infinity;
  for (let j = 0; j < n; j++) if (fit[off + j] > b) b = fit[off + j];
  return b;
}

/** Diffusion Evolution on a landscape: G generations from x_T ~ N(0, I) (× scale) to x_0. */
export function diffusionEvolution(land: Landscape, opts: EvolutionOptions): EvolutionRun {
  checkOptions(opts);
  const { n, generations: G, seed } = opts;
  const tau = opts.temperature ?? land.temperature;
  const eta = opts.eta ?? EVOLUTION_DEFAULTS.eta;
  const schedName = opts.schedule ?? EVOLUTION_DEFAULTS.schedule;
  const T = opts.T ?? EVOLUTION_DEFAULTS.T;
  if (!(eta >= 0)) throw new Error(`eta must be ≥ 0, got ${eta}`);
  const sched = makeSchedule(schedName, T);
  const ts = evolutionTimesteps(T, G);
  const s = land.scale;
  const rng = new Rng(seed);

  const positions = new Float32Array((G + 1) * 2 * n);
  const fitness = new Float32Array((G + 1) * n);
  const x0hat = new Float32Array(G * 2 * n);
  const best = new Float64Array(G + 1);
  const alphaBar = new Float64Array(G + 1);
  const sigma = new Float64Array(G + 1);

  const z = new Float64Array(2 * n);
  for (let k = 0; k < 2 * n; k++) z[k] = rng.normal();
  const x0 = new Float64Array(2 * n);
  const logG = new Float64Array(n);
  const scratch = new Float64Array(n);

  const record = (g: number) => {
    const po = 2 * n * g, fo = n * g;
    for (let j = 0; j < n; j++) {
      const px = s * z[2 * j], py = s * z[2 * j + 1];
      positions[po + 2 * j] = px;
      positions[po + 2 * j + 1] = py;
      fitness[fo + j] = land.f(px, py);
    }
    best[g] = bestOf(fitness, fo, n);
    alphaBar[g] = sched.alphaBar[ts[g]];
  };

  record(0);
  for (let g = 0; g < G; g++) {
    const abarT = sched.alphaBar[ts[g]], abarS = sched.alphaBar[ts[g + 1]];
    logFitnessWeights(fitness.subarray(n * g, n * (g + 1)), n, tau, logG);
    estimateX0(z, n, logG, abarT, x0, scratch);
    for (let k = 0; k < 2 * n; k++) x0hat[2 * n * g + k] = s * x0[k];
    sigma[g] = s * ddimUpdate(z, x0, n, abarT, abarS, eta, rng, z);
    record(g + 1);
  }
  return {
    algorithm: 'diffusion', landscape: land.name, n, generations: G, seed,
    positions, fitness, best, t: ts, alphaBar, sigma, x0hat,
    params: { temperature: tau, eta, schedule: schedName, T, scale: s, fitnessMap: 'exp(f/τ)' }
  };
}

/**
 * The baseline: a (μ, λ) evolution strategy with λ = n offspring, truncation selection of the
 * best μ = parentFraction · n, and isotropic Gaussian mutation whose size shrinks geometrically
 * from sigmaStart to sigmaEnd (× the landscape's scale) over the run. Same initial population and
 * the same number of fitness evaluations as Diffusion Evolution with the same seed.
 */
export function evolutionStrategy(land: Landscape, opts: EvolutionOptions): EvolutionRun {
  checkOptions(opts);
  const { n, generations: G, seed } = opts;
  const frac = opts.parentFraction ?? EVOLUTION_DEFAULTS.parentFraction;
  const s0 = (opts.sigmaStart ?? EVOLUTION_DEFAULTS.sigmaStart) * land.scale;
  const s1 = (opts.sigmaEnd ?? EVOLUTION_DEFAULTS.sigmaEnd) * land.scale;
  const mu = Math.max(1, Math.min(n, Math.round(frac * n)));
  const rng = new Rng(seed);

  const positions = new Float32Array((G + 1) * 2 * n);
  const fitness = new Float32Array((G + 1) * n);
  const best = new Float64Array(G + 1);
  const t = new Int32Array(G + 1);
  const alphaBar = new Float64Array(G + 1).fill(NaN);
  const sigma = new Float64Array(G + 1);

  for (let k = 0; k < 2 * n; k++) positions[k] = land.scale * rng.normal();
  const evaluate = (g: number) => {
    const po = 2 * n * g, fo = n * g;
    for (let j = 0; j < n; j++) fitness[fo + j] = land.f(positions[po + 2 * j], positions[po + 2 * j + 1]);
    best[g] = bestOf(fitness, fo, n);
    t[g] = g;
  };
  evaluate(0);
  const order = new Int32Array(n);
  for (let g = 0; g < G; g++) {
    const sg = G > 1 ? s0 * Math.pow(s1 / s0, g / (G - 1)) : s1;
    sigma[g] = sg;
    const fo = n * g, po = 2 * n * g, no = 2 * n * (g + 1);
    for (let j = 0; j < n; j++) order[j] = j;
    order.sort((a, b) => fitness[fo + b] - fitness[fo + a] || a - b);
    for (let j = 0; j < n; j++) {
      const p = order[rng.int(mu)];
      positions[no + 2 * j] = positions[po + 2 * p] + sg * rng.normal();
      positions[no + 2 * j + 1] = positions[po + 2 * p + 1] + sg * rng.normal();
    }
    evaluate(g + 1);
  }
  return {
    algorithm: 'es', landscape: land.name, n, generations: G, seed,
    positions, fitness, best, t, alphaBar, sigma,
    params: { mu, lambda: n, sigmaStart: s0, sigmaEnd: s1, selection: 'truncation (comma)' }
  };
}

export function runEvolution(algorithm: Algorithm, land: Landscape, opts: EvolutionOptions): EvolutionRun {
  return algorithm === 'diffusion' ? diffusionEvolution(land, opts) : evolutionStrategy(land, opts);
}

/** Generation g's positions (a view, no copy). */
export function generation(run: EvolutionRun, g: number): Float32Array {
  return run.positions.subarray(2 * run.n * g, 2 * run.n * (g + 1));
}

/** How many individuals sit within radius r of each optimum. */
export function optimumCounts(points: ArrayLike<number>, n: number, optima: readonly Optimum[], r: number): number[] {
  const r2 = r * r;
  return optima.map((o) => {
    let c = 0;
    for (let j = 0; j < n; j++) {
      const dx = points[2 * j] - o.x, dy = points[2 * j + 1] - o.y;
      if (dx * dx + dy * dy <= r2) c++;
    }
    return c;
  });
}

/** The number of optima “held”: with at least k individuals within radius r. */
export function countOptimaHeld(points: ArrayLike<number>, n: number, optima: readonly Optimum[], r: number, k: number): number {
  return optimumCounts(points, n, optima, r).filter((c) => c >= k).length;
}

/** Optima held in every generation of a run. */
export function optimaHeldOverTime(run: EvolutionRun, optima: readonly Optimum[], r: number, k: number): Int32Array {
  const out = new Int32Array(run.generations + 1);
  for (let g = 0; g <= run.generations; g++) out[g] = countOptimaHeld(generation(run, g), run.n, optima, r, k);
  return out;
}

const fmt = (v: number) => (Number.isFinite(v) ? String(Number(v.toFixed(6))) : 'null');

/** CSV of one generation (default: the last): index, x1, x2, fitness. */
export function populationCSV(run: EvolutionRun, g = run.generations): string {
  const pts = generation(run, g);
  const lines = ['index,x1,x2,fitness'];
  for (let j = 0; j < run.n; j++) lines.push(`${j},${fmt(pts[2 * j])},${fmt(pts[2 * j + 1])},${fmt(run.fitness[run.n * g + j])}`);
  return lines.join('\n') + '\n';
}

/** The recorded generations as a JSON-ready object. */
export function trajectoryJSON(run: EvolutionRun): object {
  const gens = [];
  for (let g = 0; g <= run.generations; g++) {
    const pts = generation(run, g);
    const points: [number, number][] = [];
    for (let j = 0; j < run.n; j++) points.push([Number(pts[2 * j].toFixed(5)), Number(pts[2 * j + 1].toFixed(5))]);
    gens.push({
      generation: g,
      t: run.t[g],
      alphaBar: Number.isFinite(run.alphaBar[g]) ? Number(run.alphaBar[g].toPrecision(6)) : null,
      best: Number(run.best[g].toFixed(6)),
      points,
      fitness: Array.from(run.fitness.subarray(run.n * g, run.n * (g + 1)), (v) => Number(v.toFixed(5)))
    });
  }
  return {
    format: 'diffusion-explorables/evolution-trajectory@1',
    algorithm: run.algorithm,
    landscape: run.landscape,
    n: run.n,
    generations: run.generations,
    seed: run.seed,
    params: run.params,
    notation: 't = 0 is data (the final population), t = T is noise (the first); points are (x1, x2) in landscape units',
    trajectory: gens
  };
}
