// DDPM sampling: coefficients against Ho et al.'s formulas, and exactness checks with denoisers
// whose answer is known in closed form (Gaussian data) or by construction (the ideal denoiser).
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { makeSchedule, type Schedule } from '$lib/diffusion/schedules';
import { ancestralCoefs, ddpmSample, timesteps } from '$lib/diffusion/samplers';
import type { Denoiser } from '$lib/diffusion/denoiser';
import { IdealDenoiser } from '$lib/diffusion/ideal';
import { meanCov } from '$lib/diffusion/metrics';

const s = makeSchedule('linear', 1000);

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

describe('DDPM sampler', () => {
  it('timesteps: all of T..1, or an evenly spaced subset ending at T/steps', () => {
    expect(Array.from(timesteps(5))).toEqual([5, 4, 3, 2, 1]);
    expect(Array.from(timesteps(1000, 10))).toEqual([1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]);
    expect(() => timesteps(1000, 0)).toThrow();
  });

  it('one step t → t−1 is Ho et al.’s update: 1/sqrt(α_t)·(x − β_t/sqrt(1 − ᾱ_t)·ε̂) + σ_t z', () => {
    for (const t of [1, 2, 500, 1000]) {
      const c = ancestralCoefs(s, t, t - 1);
      expect(c.cx).toBeCloseTo(1 / Math.sqrt(s.alpha[t]), 12);
      expect(c.ce).toBeCloseTo(-s.beta[t] / (Math.sqrt(s.alpha[t]) * Math.sqrt(1 - s.alphaBar[t])), 12);
      const post = t > 1 ? ((1 - s.alphaBar[t - 1]) / (1 - s.alphaBar[t])) * s.beta[t] : 0;
      expect(c.sigma ** 2).toBeCloseTo(post, 14);
      expect(ancestralCoefs(s, t, t - 1, 'beta').sigma ** 2).toBeCloseTo(t > 1 ? s.beta[t] : 0, 14);
    }
  });

  it('with the exact denoiser of Gaussian data, sample moments follow the exact linear-Gaussian recursion (1e4 samples, 4 SE)', () => {
    const m: [number, number] = [0.3, -0.2],
      v = 0.09;
    const n = 10_000;
    // With ε̂ linear in x, each DDPM step is x' = a·x + b + σz, so mean and variance follow
    // μ' = aμ + b, V' = a²V + σ² exactly. Written here from Ho et al.'s update with the respaced
    // α' = ᾱ_t/ᾱ_t', β' = 1 − α' (Nichol & Dhariwal), independently of the sampler's code.
    const predict = (steps: number, vData: number) => {
      let mu = 0,
        V = 1;
      const ts: number[] = [];
      for (let i = steps; i >= 1; i--) ts.push(Math.round((i * 1000) / steps));
      ts.push(0);
      for (let i = 0; i + 1 < ts.length; i++) {
        const t = ts[i],
          tp = ts[i + 1];
        const ab = s.alphaBar[t],
          abp = s.alphaBar[tp];
        const al = ab / abp,
          be = 1 - al;
        const k = Math.sqrt(1 - ab) / (ab * vData + 1 - ab);
        const a = (1 - (be * k) / Math.sqrt(1 - ab)) / Math.sqrt(al);
        const bb = (be * k * Math.sqrt(ab)) / (Math.sqrt(1 - ab) * Math.sqrt(al));
        const sig2 = tp > 0 ? ((1 - abp) / (1 - ab)) * be : 0;
        mu = a * mu + bb; // per unit of m
        V = a * a * V + sig2;
      }
      return { mu, V };
    };
    for (const steps of [1000, 50]) {
      const { samples } = ddpmSample(gaussianDenoiser(s, m, v), s, n, new Rng(steps), { steps });
      const g = meanCov(samples);
      const p = predict(steps, v);
      expect(Math.abs(g.mean[0] - p.mu * m[0])).toBeLessThan(4 * Math.sqrt(p.V / n));
      expect(Math.abs(g.mean[1] - p.mu * m[1])).toBeLessThan(4 * Math.sqrt(p.V / n));
      expect(Math.abs(g.cov[0] / p.V - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      expect(Math.abs(g.cov[2] / p.V - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      expect(Math.abs(g.cov[1] / p.V)).toBeLessThan(4 / Math.sqrt(n));
      if (steps === 1000) {
        // With all 1000 steps the samples are (nearly) the data distribution: DDPM's plug-in
        // posterior variance ignores Var(x0 | x_t) and so comes out a few % low.
        expect(Math.abs(p.mu - 1)).toBeLessThan(0.01);
        expect(Math.abs(p.V / v - 1)).toBeLessThan(0.06);
      }
    }
    // Negative control: a denoiser for the wrong data variance is detectably off the prediction.
    const wrong = meanCov(ddpmSample(gaussianDenoiser(s, m, 0.16), s, n, new Rng(1), { steps: 50 }).samples);
    expect(Math.abs(wrong.cov[0] / predict(50, v).V - 1)).toBeGreaterThan(0.3);
  });

  it('with the ideal denoiser of a few points, every sample lands on a data point', () => {
    const pts = new Float32Array([-0.5, -0.5, 0.5, 0.5, 0.6, -0.4]);
    const den = new IdealDenoiser(pts, s);
    const { samples, trajectory, trajectoryT } = ddpmSample(den, s, 300, new Rng(2), { steps: 200, record: true, recordEvery: 50 });
    let far = 0;
    for (let i = 0; i < 300; i++) {
      let best = Infinity;
      for (let k = 0; k < 3; k++) best = Math.min(best, Math.hypot(samples[2 * i] - pts[2 * k], samples[2 * i + 1] - pts[2 * k + 1]));
      if (best > 0.02) far++;
    }
    expect(far).toBe(0);
    expect(trajectoryT).toEqual([1000, 750, 500, 250, 0]);
    expect(trajectory![trajectory!.length - 1]).toEqual(samples);
  });

  it('is deterministic given the seed', () => {
    const den = gaussianDenoiser(s, [0, 0], 0.2);
    const a = ddpmSample(den, s, 50, new Rng(9), { steps: 20 }).samples;
    const b = ddpmSample(den, s, 50, new Rng(9), { steps: 20 }).samples;
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
