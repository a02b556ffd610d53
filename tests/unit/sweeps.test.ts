// Chapter 5 helpers: distance-vs-steps sweeps, DDIM round trips and point-set comparisons,
// checked with a denoiser that is exact in closed form (Gaussian data).
import { describe, expect, it } from 'vitest';
import { makeSchedule, type Schedule } from '$lib/diffusion/schedules';
import type { Denoiser } from '$lib/diffusion/denoiser';
import { Rng } from '$lib/diffusion/rng';
import { distanceSweep, expectedNfe, maxAbsDiff, pointErrors, roundTrip, startNoise } from '$lib/diffusion/sweeps';
import { meanCov } from '$lib/diffusion/metrics';

const s = makeSchedule('linear', 1000);
const M: [number, number] = [0.3, -0.2];
const V = 0.09;

/** Exact ε̂ for data ~ N(m, v·I): E[ε | x_t] = sqrt(1 − ᾱ)(x_t − sqrt(ᾱ) m)/(ᾱ v + 1 − ᾱ). */
function gaussianDenoiser(sched: Schedule, m: [number, number], v: number): Denoiser {
  return {
    conditional: false,
    eps(xt, n, t, out) {
      const ab = sched.alphaBar[t];
      const k = Math.sqrt(1 - ab) / (ab * v + 1 - ab);
      for (let i = 0; i < n; i++) {
        out[2 * i] = k * (xt[2 * i] - Math.sqrt(ab) * m[0]);
        out[2 * i + 1] = k * (xt[2 * i + 1] - Math.sqrt(ab) * m[1]);
      }
    }
  };
}
const gaussData = (n: number, rng: Rng) => {
  const o = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    o[2 * i] = M[0] + Math.sqrt(V) * rng.normal();
    o[2 * i + 1] = M[1] + Math.sqrt(V) * rng.normal();
  }
  return o;
};
const den = gaussianDenoiser(s, M, V);

describe('small helpers', () => {
  it('expectedNfe: one evaluation per step, Heun two per step but the last', () => {
    expect(expectedNfe('ddim', 10)).toBe(10);
    expect(expectedNfe('ddpm', 1)).toBe(1);
    expect(expectedNfe('heun', 10)).toBe(19);
    expect(expectedNfe('heun', 1)).toBe(1);
  });

  it('maxAbsDiff and pointErrors', () => {
    expect(maxAbsDiff([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
    expect(maxAbsDiff([1], [1, 2])).toBe(Infinity);
    expect(maxAbsDiff([NaN], [1])).toBe(Infinity);
    const e = pointErrors(new Float32Array([0, 0, 1, 1, 2, 2]), new Float32Array([3, 4, 1, 1, 2, 3]));
    expect(e.max).toBeCloseTo(5, 6);
    expect(e.median).toBeCloseTo(1, 6);
    expect(e.mean).toBeCloseTo(2, 6);
  });

  it('startNoise is a pure function of its seed and looks like N(0, I)', () => {
    const a = startNoise(5000, 7);
    expect(maxAbsDiff(a, startNoise(5000, 7))).toBe(0);
    expect(maxAbsDiff(a, startNoise(5000, 8))).toBeGreaterThan(0);
    const { mean, cov } = meanCov(a);
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.06);
    expect(cov[0]).toBeGreaterThan(0.93);
    expect(cov[0]).toBeLessThan(1.07);
    expect(Math.abs(cov[1])).toBeLessThan(0.06);
  });
});

describe('distanceSweep', () => {
  const opts = { samplers: ['ddpm', 'ddim', 'heun', 'ddpm-no-noise'] as const, steps: [20, 5, 50], n: 400, seed: 3, source: gaussData };

  it('yields every (steps, sampler) pair, smallest step counts first, with NFE and finite ratios', () => {
    const pts = [...distanceSweep(den, s, { ...opts, samplers: [...opts.samplers] })];
    expect(pts.map((p) => `${p.steps}:${p.sampler}`)).toEqual([
      '5:ddpm', '5:ddim', '5:heun', '5:ddpm-no-noise',
      '20:ddpm', '20:ddim', '20:heun', '20:ddpm-no-noise',
      '50:ddpm', '50:ddim', '50:heun', '50:ddpm-no-noise'
    ]);
    pts.forEach((p, i) => {
      expect(p.index).toBe(i);
      expect(p.total).toBe(12);
      expect(p.nfe).toBe(expectedNfe(p.sampler, p.steps));
      expect(Number.isFinite(p.ratio) && p.ratio > 0).toBe(true);
      expect(p.ratio).toBeCloseTo(p.sw / p.floor, 12);
    });
    // One floor for the whole sweep.
    expect(new Set(pts.map((p) => p.floor)).size).toBe(1);
    const at = (k: string, st: number) => pts.find((p) => p.sampler === k && p.steps === st)!.ratio;
    // With the exact denoiser, the ODE samplers reach the floor by 50 steps; no-noise DDPM collapses and stays far off.
    expect(at('ddim', 50)).toBeLessThan(1.6);
    expect(at('heun', 50)).toBeLessThan(1.6);
    expect(at('ddpm-no-noise', 50)).toBeGreaterThan(3 * at('ddim', 50));
  });

  it('is reproducible: the same options give the same numbers', () => {
    const o = { ...opts, samplers: ['ddpm', 'ddim'] as ('ddpm' | 'ddim')[], steps: [5, 10], n: 100 };
    const a = [...distanceSweep(den, s, o)].map((p) => p.sw);
    const b = [...distanceSweep(den, s, o)].map((p) => p.sw);
    expect(a).toEqual(b);
  });

  it('rejects bad step counts and sizes', () => {
    expect(() => [...distanceSweep(den, s, { ...opts, samplers: ['ddim'], steps: [0] })]).toThrow(/steps/);
    expect(() => [...distanceSweep(den, s, { ...opts, samplers: ['ddim'], n: 1 })]).toThrow(/n must/);
  });
});

describe('roundTrip (DDIM inversion and back)', () => {
  const x0 = gaussData(300, new Rng(5));

  it('records both paths, and the error shrinks with more steps', () => {
    const errs = [10, 50, 500].map((steps) => {
      const r = roundTrip(den, s, x0, { steps });
      expect(r.encodePath.length).toBe(steps + 1);
      expect(r.decodePath.length).toBe(steps + 1);
      expect(r.encodeT[0]).toBe(0);
      expect(r.encodeT[steps]).toBe(1000);
      expect(r.decodeT[0]).toBe(1000);
      expect(r.decodeT[steps]).toBe(0);
      expect(maxAbsDiff(r.encodePath[steps], r.xT)).toBe(0);
      expect(r.nfe).toBe(2 * steps);
      return r.error.mean;
    });
    expect(errs[1]).toBeLessThan(errs[0]);
    expect(errs[2]).toBeLessThan(errs[1]);
    expect(errs[2]).toBeLessThan(0.01);
  });

  it('encodes Gaussian data to nearly standard Gaussian noise', () => {
    const r = roundTrip(den, s, gaussData(4000, new Rng(6)), { steps: 200 });
    const { mean, cov } = meanCov(r.xT);
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.08);
    expect(cov[0]).toBeGreaterThan(0.9);
    expect(cov[0]).toBeLessThan(1.1);
  });
});
