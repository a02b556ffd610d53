// Chapter 7, figure 3: Diffusion Evolution against the (μ, λ) evolution strategy over several
// seeds. Pure compute (runs in src/lib/workers/ch07-evolve.worker.ts).
import { getLandscape, type LandscapeName } from '$lib/diffusion/landscapes';
import { diffusionEvolution, evolutionStrategy, optimaHeldOverTime } from '$lib/diffusion/evolution';

export interface CompareRequest {
  kind: 'compare';
  landscape: LandscapeName;
  n: number;
  generations: number;
  /** Seeds 0 … seeds − 1 (each algorithm starts from the same initial population for a seed). */
  seeds: number;
  /** An optimum is held when at least k individuals lie within the landscape's peak radius. */
  k: number;
  temperature: number;
  eta: number;
}

export interface AlgoStats {
  /** held[s][g]: optima held by seed s at generation g. */
  held: Int32Array[];
  /** gap[s][g]: f* − best fitness of seed s at generation g. */
  gap: Float64Array[];
  meanHeld: Float64Array;
  /** Geometric-mean gap across seeds (gaps span many decades). */
  meanGap: Float64Array;
}

export interface CompareResult {
  request: CompareRequest;
  optima: number;
  radius: number;
  diffusion: AlgoStats;
  es: AlgoStats;
}

function summarise(held: Int32Array[], gap: Float64Array[], G: number): AlgoStats {
  const S = held.length;
  const meanHeld = new Float64Array(G + 1), meanGap = new Float64Array(G + 1);
  for (let g = 0; g <= G; g++) {
    let h = 0, lg = 0;
    for (let s = 0; s < S; s++) {
      h += held[s][g];
      lg += Math.log10(Math.max(1e-9, gap[s][g]));
    }
    meanHeld[g] = h / S;
    meanGap[g] = Math.pow(10, lg / S);
  }
  return { held, gap, meanHeld, meanGap };
}

export function compareAlgorithms(req: CompareRequest, onprogress?: (done: number, total: number) => void): CompareResult {
  const land = getLandscape(req.landscape);
  const fStar = land.optima[0].f;
  const G = req.generations;
  const out = { diffusion: { held: [] as Int32Array[], gap: [] as Float64Array[] }, es: { held: [] as Int32Array[], gap: [] as Float64Array[] } };
  const total = 2 * req.seeds;
  let done = 0;
  for (let seed = 0; seed < req.seeds; seed++) {
    for (const algo of ['diffusion', 'es'] as const) {
      const opts = { n: req.n, generations: G, seed, temperature: req.temperature, eta: req.eta };
      const run = algo === 'diffusion' ? diffusionEvolution(land, opts) : evolutionStrategy(land, opts);
      out[algo].held.push(optimaHeldOverTime(run, land.optima, land.peakRadius, req.k));
      out[algo].gap.push(Float64Array.from(run.best, (b) => Math.max(0, fStar - b)));
      onprogress?.(++done, total);
    }
  }
  return {
    request: req,
    optima: land.optima.length,
    radius: land.peakRadius,
    diffusion: summarise(out.diffusion.held, out.diffusion.gap, G),
    es: summarise(out.es.held, out.es.gap, G)
  };
}
