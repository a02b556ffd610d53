// Chapter 7: Diffusion Evolution (Zhang et al. 2024) and the evolution-strategy baseline.
//
// Calibration (engine Rng, n = 256, G = 50, η = 1, each landscape's suggested τ), seeds 0–39:
// - four peaks, τ = 0.2: Diffusion Evolution holds ≥ 3 of the 4 peaks (≥ 5 individuals within r = 0.2)
//   in 40/40 seeds and all 4 in 33/40; seeds 0–9 give 4,4,3,4,4,4,4,4,4,4. The (μ, λ)-ES holds
//   exactly 1 in 40/40. We require ≥ 3 of 4 in ≥ 9 of 10 seeds, and ES ≤ 1 in ≥ 9 of 10.
// - Rastrigin, τ = 0.02: gap f* − best ≤ 3.1e-4 over 20 seeds (the nearest local optimum has a gap
//   of 0.0125, so the gap bound 1e-3 means the global basin was found). Required: < 1e-3 in 10/10.
// - Ackley, τ = 0.05: gap ≤ 1.9e-3 over 20 seeds (nearest local optimum: gap ≈ 0.18). Required: < 5e-3.
import { describe, expect, it } from 'vitest';
import { LANDSCAPES, LANDSCAPE_NAMES, fitnessGrid, refineMaximum } from '$lib/diffusion/landscapes';
import {
  countOptimaHeld,
  ddimSigma,
  diffusionEvolution,
  estimateX0,
  evolutionStrategy,
  evolutionTimesteps,
  generation,
  logFitnessWeights,
  populationCSV,
  trajectoryJSON,
  x0Weights
} from '$lib/diffusion/evolution';
import { makeSchedule } from '$lib/diffusion/schedules';

const N = 256;
const G = 50;
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('landscapes', () => {
  it('list their optima as local maxima, the global one first and highest on the plotted square', () => {
    for (const name of LANDSCAPE_NAMES) {
      const l = LANDSCAPES[name];
      expect(l.optima[0].global).toBe(true);
      for (const o of l.optima) {
        // a local maximum: no higher point on a small ring around it
        for (let a = 0; a < 16; a++) {
          const x = o.x + 0.01 * Math.cos((a * Math.PI) / 8), y = o.y + 0.01 * Math.sin((a * Math.PI) / 8);
          expect(l.f(x, y)).toBeLessThanOrEqual(o.f + 1e-12);
        }
        if (!o.global) expect(o.f).toBeLessThan(l.optima[0].f);
      }
      // the global optimum beats every point of a fine grid over the square (tolerance 1e-9)
      const grid = fitnessGrid(l, 301);
      expect(grid.max).toBeLessThanOrEqual(l.optima[0].f + 1e-9);
      expect(l.optima[0].f).toBeCloseTo(1, 2);
    }
  });

  it('puts Rastrigin and Ackley optima where the rescaled functions have them', () => {
    expect(LANDSCAPES.rastrigin.optima[0].x).toBeCloseTo(0.35, 6);
    expect(LANDSCAPES.rastrigin.optima[0].y).toBeCloseTo(0.25, 6);
    expect(LANDSCAPES.ackley.optima[0].x).toBeCloseTo(-0.3, 6);
    expect(LANDSCAPES.ackley.optima[0].y).toBeCloseTo(0.35, 6);
    const [x, y] = refineMaximum((a, b) => -((a - 0.2) ** 2) - (b + 0.4) ** 2, 0, 0);
    expect(x).toBeCloseTo(0.2, 6);
    expect(y).toBeCloseTo(-0.4, 6);
  });
});

describe('the Diffusion Evolution step', () => {
  it('weights are normalised, and at ᾱ ≈ 0 reduce to fitness-proportional selection', () => {
    const z = new Float64Array([0, 0, 1, 0, 0, 2, -1, -1]);
    const logG = logFitnessWeights([0.1, 0.5, 0.2, 0.9], 4, 0.25);
    const w = x0Weights(z, 4, logG, 0, 1e-12, new Float64Array(4));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const g = [0.1, 0.5, 0.2, 0.9].map((f) => Math.exp(f / 0.25));
    const s = g.reduce((a, b) => a + b, 0);
    g.forEach((gi, j) => expect(w[j]).toBeCloseTo(gi / s, 9));
    // 'kernel' mode with equal fitness is the ideal denoiser of the population (posterior mean)
    const abar = 0.6;
    const wk = x0Weights(z, 4, [0, 0, 0, 0], 1, abar, new Float64Array(4), 'kernel');
    const raw = [0, 1, 2, 3].map((j) => Math.exp(-((z[2] - Math.sqrt(abar) * z[2 * j]) ** 2 + (z[3] - Math.sqrt(abar) * z[2 * j + 1]) ** 2) / (2 * (1 - abar))));
    const rs = raw.reduce((a, b) => a + b, 0);
    raw.forEach((r, j) => expect(wk[j]).toBeCloseTo(r / rs, 12));
  });

  it('x̂₀ of a lone fit individual among unfit ones is that individual when the kernel is wide', () => {
    const z = new Float64Array([0.5, -0.3, -2, 1, 2, 2]);
    const out = new Float64Array(6);
    estimateX0(z, 3, logFitnessWeights([1, 0, 0], 3, 0.01), 1e-9, out);
    for (let i = 0; i < 3; i++) {
      expect(out[2 * i]).toBeCloseTo(0.5, 6);
      expect(out[2 * i + 1]).toBeCloseTo(-0.3, 6);
    }
  });

  it('uses DDIM strides from T to 0 and the DDPM σ at η = 1', () => {
    const ts = evolutionTimesteps(1000, 50);
    expect(ts[0]).toBe(1000);
    expect(ts[50]).toBe(0);
    expect(ts[1]).toBe(980);
    const sch = makeSchedule('cosine', 1000);
    const a = sch.alphaBar[500], b = sch.alphaBar[480];
    expect(ddimSigma(a, b, 1) ** 2).toBeCloseTo(((1 - b) / (1 - a)) * (1 - a / b), 12);
    expect(ddimSigma(a, b, 0)).toBe(0);
  });

  it('is deterministic for a seed, and records every generation', () => {
    const l = LANDSCAPES.multipeak;
    const a = diffusionEvolution(l, { n: 64, generations: 20, seed: 3 });
    const b = diffusionEvolution(l, { n: 64, generations: 20, seed: 3 });
    expect(Array.from(a.positions)).toEqual(Array.from(b.positions));
    expect(a.positions.length).toBe(21 * 2 * 64);
    expect(a.x0hat!.length).toBe(20 * 2 * 64);
    expect(a.alphaBar[20]).toBe(1);
    // the last step lands on ᾱ_0 = 1, where the new population is exactly x̂₀
    const last = generation(a, 20), x0 = a.x0hat!.subarray(19 * 128, 20 * 128);
    for (let k = 0; k < 128; k++) expect(last[k]).toBeCloseTo(x0[k], 5);
    // ES and Diffusion Evolution start from the same population for the same seed
    const es = evolutionStrategy(l, { n: 64, generations: 20, seed: 3 });
    expect(Array.from(generation(es, 0))).toEqual(Array.from(generation(a, 0)));
  });

  it('rejects bad options with clear errors', () => {
    const l = LANDSCAPES.multipeak;
    expect(() => diffusionEvolution(l, { n: 1, generations: 10, seed: 0 })).toThrow(/population size/);
    expect(() => diffusionEvolution(l, { n: 10, generations: 0, seed: 0 })).toThrow(/generations/);
    expect(() => diffusionEvolution(l, { n: 10, generations: 10, seed: 0, temperature: 0 })).toThrow(/temperature/);
  });
});

describe('Diffusion Evolution vs the evolution strategy (n = 256, G = 50, seeds 0–9)', () => {
  it('keeps ≥ 3 of the 4 peaks in ≥ 9 of 10 seeds; the (μ, λ)-ES keeps at most 1 in ≥ 9 of 10', () => {
    const l = LANDSCAPES.multipeak;
    const de: number[] = [], es: number[] = [];
    for (const seed of SEEDS) {
      const a = diffusionEvolution(l, { n: N, generations: G, seed });
      de.push(countOptimaHeld(generation(a, G), N, l.optima, l.peakRadius, 5));
      const b = evolutionStrategy(l, { n: N, generations: G, seed });
      es.push(countOptimaHeld(generation(b, G), N, l.optima, l.peakRadius, 5));
      // both still find the tallest peak: best fitness within 0.02 of f* = 1
      expect(a.best[G]).toBeGreaterThan(l.optima[0].f - 0.02);
      expect(b.best[G]).toBeGreaterThan(l.optima[0].f - 0.02);
    }
    expect(de.filter((h) => h >= 3).length).toBeGreaterThanOrEqual(9);
    expect(es.filter((h) => h <= 1).length).toBeGreaterThanOrEqual(9);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean(de)).toBeGreaterThan(mean(es) + 1.5);
  });

  it('reaches the global optimum of Rastrigin (gap < 1e-3) and Ackley (gap < 5e-3) in every seed', () => {
    for (const [name, tol] of [['rastrigin', 1e-3], ['ackley', 5e-3]] as const) {
      const l = LANDSCAPES[name];
      for (const seed of SEEDS) {
        const run = diffusionEvolution(l, { n: N, generations: G, seed });
        const gap = l.optima[0].f - run.best[G];
        expect(gap, `${name} seed ${seed}`).toBeGreaterThanOrEqual(-1e-9);
        expect(gap, `${name} seed ${seed}`).toBeLessThan(tol);
      }
    }
  });
});

describe('exports', () => {
  it('writes the final population as CSV and the trajectory as JSON', () => {
    const run = diffusionEvolution(LANDSCAPES.multipeak, { n: 20, generations: 10, seed: 1 });
    const lines = populationCSV(run).trim().split('\n');
    expect(lines[0]).toBe('index,x1,x2,fitness');
    expect(lines.length).toBe(21);
    for (const line of lines.slice(1)) {
      const cells = line.split(',').map(Number);
      expect(cells.length).toBe(4);
      cells.forEach((c) => expect(Number.isFinite(c)).toBe(true));
    }
    const j = JSON.parse(JSON.stringify(trajectoryJSON(run)));
    expect(j.trajectory.length).toBe(11);
    expect(j.trajectory[0].t).toBe(1000);
    expect(j.trajectory[10].t).toBe(0);
    expect(j.trajectory[10].points.length).toBe(20);
    expect(j.trajectory[10].points[0].length).toBe(2);
  });
});
