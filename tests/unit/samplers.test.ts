// DDPM sampling: coefficients against Ho et al.'s formulas, and exactness checks with denoisers
// whose answer is known in closed form (Gaussian data) or by construction (the ideal denoiser).
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { makeSchedule, type Schedule } from '$lib/diffusion/schedules';
import {
  ancestralCoefs,
  ddimCoefs,
  ddimInvert,
  ddimSample,
  ddpmNoNoiseSample,
  ddpmSample,
  odeSample,
  packTrajectory,
  posteriorVariance,
  runSampler,
  timesteps
} from '$lib/diffusion/samplers';
import type { Denoiser } from '$lib/diffusion/denoiser';
import { IdealDenoiser } from '$lib/diffusion/ideal';
import { meanCov, slicedWasserstein } from '$lib/diffusion/metrics';
import { makeDataset } from '$lib/diffusion/datasets';

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

/** Max |a − b| over all coordinates. */
function maxAbs(a: Float32Array, b: Float32Array): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}
const trace = (p: Float32Array) => {
  const c = meanCov(p).cov;
  return c[0] + c[2];
};
function normals(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return new Float32Array(2 * n).map(() => r.normal());
}

describe('timestep spacings (diffusers DDIMScheduler formulas, shifted by +1 to t = 1..T)', () => {
  it('give the documented steps for T = 1000, 10 steps, and all of T..1 for steps = T', () => {
    // diffusers: trailing = round(arange(1000, 0, −100)) − 1 = 999, 899, …, 99;
    //            leading  = arange(10)·100 = 900, 800, …, 0;  linspace = round(linspace(0, 999, 10)) = 999, 888, …, 0.
    expect(Array.from(timesteps(1000, 10, 'trailing'))).toEqual([1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]);
    expect(Array.from(timesteps(1000, 10, 'leading'))).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    expect(Array.from(timesteps(1000, 10, 'linspace'))).toEqual([1000, 889, 778, 667, 556, 445, 334, 223, 112, 1]);
    expect(Array.from(timesteps(1000, 10))).toEqual(Array.from(timesteps(1000, 10, 'trailing'))); // default
    for (const sp of ['trailing', 'leading', 'linspace'] as const) {
      expect(Array.from(timesteps(7, 7, sp))).toEqual([7, 6, 5, 4, 3, 2, 1]);
    }
  });

  it('round like numpy (halves to even) and stay strictly decreasing', () => {
    // T = 1000, 16 trailing steps: 1000 − 62.5·i: 937.5 → 938, 812.5 → 812 (numpy), not 813.
    const tr = Array.from(timesteps(1000, 16, 'trailing'));
    expect(tr.slice(0, 4)).toEqual([1000, 938, 875, 812]);
    // linspace(0, 999, 3) = 0, 499.5, 999 → 0, 500, 999 (+1).
    expect(Array.from(timesteps(1000, 3, 'linspace'))).toEqual([1000, 501, 1]);
    // leading with 3 steps: ratio ⌊1000/3⌋ = 333 → 666, 333, 0 (+1).
    expect(Array.from(timesteps(1000, 3, 'leading'))).toEqual([667, 334, 1]);
    for (const sp of ['trailing', 'leading', 'linspace'] as const)
      for (const k of [1, 2, 7, 33, 999, 1000]) {
        const ts = timesteps(1000, k, sp);
        expect(ts.length).toBe(k);
        for (let i = 0; i < k; i++) {
          expect(ts[i]).toBeGreaterThanOrEqual(1);
          expect(ts[i]).toBeLessThanOrEqual(1000);
          if (i > 0) expect(ts[i]).toBeLessThan(ts[i - 1]);
        }
      }
    expect(() => timesteps(1000, 10, 'uniform' as never)).toThrow(/unknown spacing/);
  });
});

describe('DDIM', () => {
  it('η = 1 has DDPM’s posterior mean and variance β̃, for single steps and jumps (1e-12)', () => {
    for (const [t, tp] of [
      [2, 1],
      [500, 499],
      [1000, 900],
      [300, 17],
      [50, 0]
    ]) {
      const d = ddimCoefs(s, t, tp, 1),
        a = ancestralCoefs(s, t, tp);
      expect(d.cx).toBeCloseTo(a.cx, 12);
      expect(d.ce).toBeCloseTo(a.ce, 12);
      expect(d.sigma ** 2).toBeCloseTo(posteriorVariance(s, t, tp), 14);
      expect(d.sigma).toBeCloseTo(a.sigma, 12);
      expect(ddimCoefs(s, t, tp, 0).sigma).toBe(0);
    }
    // η = 0.5 has a quarter of the variance and a different mean (so the check above can fail).
    expect(ddimCoefs(s, 500, 499, 0.5).sigma ** 2).toBeCloseTo(0.25 * posteriorVariance(s, 500, 499), 14);
    expect(Math.abs(ddimCoefs(s, 500, 400, 0).ce - ancestralCoefs(s, 500, 400).ce)).toBeGreaterThan(1e-3);
  });

  it('η = 1: the empirical variance of the sampler’s first step from a fixed x_T is β̃ (2·10⁴ / 10⁴ particles, 4 SE)', () => {
    const den = gaussianDenoiser(s, [0.2, 0.1], 0.05);
    for (const [steps, n, tp] of [
      [10, 20_000, 900],
      [1000, 10_000, 999]
    ]) {
      const init = new Float32Array(2 * n).fill(0.4);
      const one = ddimSample(den, s, n, new Rng(steps), { steps, init, eta: 1, record: true, recordEvery: 1 });
      expect(one.trajectoryT![1]).toBe(tp);
      const v = meanCov(one.trajectory![1]).cov;
      const want = posteriorVariance(s, 1000, tp);
      expect(Math.abs(v[0] / want - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      expect(Math.abs(v[2] / want - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      // η = 0.5 gives a quarter of it (the check can fail).
      const half = ddimSample(den, s, n, new Rng(steps), { steps, init, eta: 0.5, record: true });
      expect(Math.abs(meanCov(half.trajectory![1]).cov[0] / want - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / n));
    }
  });

  it('η = 1 sampling is DDPM in distribution; η = 0 is deterministic and ignores rng (bit-identical)', () => {
    const den = gaussianDenoiser(s, [0.3, -0.2], 0.09);
    const init = normals(500, 1);
    const a = ddimSample(den, s, 500, new Rng(1), { steps: 20, init }).samples;
    const b = ddimSample(den, s, 500, new Rng(2), { steps: 20, init }).samples;
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = ddimSample(den, s, 500, new Rng(2), { steps: 20, init, eta: 1 }).samples;
    const d = ddimSample(den, s, 500, new Rng(3), { steps: 20, init, eta: 1 }).samples;
    expect(maxAbs(c, d)).toBeGreaterThan(0.01); // η = 1 uses the noise
    // With the same rng, DDIM η = 1 and DDPM (posterior variance) give the same numbers (1e-5: float rounding).
    expect(maxAbs(c, ddpmSample(den, s, 500, new Rng(2), { steps: 20, init }).samples)).toBeLessThan(1e-5);
    expect(() => ddimSample(den, s, 5, new Rng(1), { eta: 1.5 })).toThrow(/eta/);
  });

  it('ddimInvert then ddimSample gives the data back (Gaussian data: 1e-2 at 1000 steps, 0.1 at 100; ideal denoiser: 0.02 at 250)', () => {
    const m: [number, number] = [0.3, -0.2],
      v = 0.09,
      n = 1000;
    const den = gaussianDenoiser(s, m, v);
    const r = new Rng(3);
    const x0 = new Float32Array(2 * n).map((_, i) => m[i % 2] + Math.sqrt(v) * r.normal());
    const errs: number[] = [];
    for (const steps of [100, 1000]) {
      const enc = ddimInvert(den, s, x0, { steps });
      expect(enc.nfe).toBe(steps);
      // The code is Gaussian: it looks like N(0, I) noise (variance within 10%).
      const c = meanCov(enc.samples).cov;
      expect(Math.abs(c[0] - 1)).toBeLessThan(0.1);
      const dec = ddimSample(den, s, n, new Rng(99), { steps, init: enc.samples });
      errs.push(maxAbs(dec.samples, x0));
    }
    expect(errs[0]).toBeLessThan(0.1);
    expect(errs[1]).toBeLessThan(1e-2);
    // Negative control: decoding the same code with DDPM's noise does not give the data back.
    const enc = ddimInvert(den, s, x0, { steps: 100 });
    expect(maxAbs(ddpmSample(den, s, n, new Rng(5), { steps: 100, init: enc.samples }).samples, x0)).toBeGreaterThan(0.2);

    // The ideal denoiser of 100 spiral points: each point round-trips to itself (within 0.02).
    const data = makeDataset('spiral', 100, 4).points;
    const ideal = new IdealDenoiser(data, s);
    const code = ddimInvert(ideal, s, data, { steps: 250, record: true, recordEvery: 50 });
    expect(code.trajectoryT).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(maxAbs(ddimSample(ideal, s, 100, new Rng(1), { steps: 250, init: code.samples }).samples, data)).toBeLessThan(0.02);
  });
});

describe('samplers on the spiral with the ideal denoiser', () => {
  // The ideal denoiser of N points memorises them: its perfect samples are those N points, so the
  // distance is measured to them. Bound: SW₂ < 0.04, against ≈ 0.57 for the N(0, I) start and
  // ≈ 0.02 for 400 draws from the 200 points themselves.
  const data = makeDataset('spiral', 200, 11).points;
  const ideal = new IdealDenoiser(data, s);
  const n = 400;

  it('DDPM (1000 steps) and DDIM (50 steps) come within SW₂ 0.04 of the data; no-noise DDPM collapses (trace < 5% of the data’s)', () => {
    const ddpm = ddpmSample(ideal, s, n, new Rng(1));
    const ddim = ddimSample(ideal, s, n, new Rng(2), { steps: 50 });
    expect(ddpm.nfe).toBe(1000);
    expect(ddim.nfe).toBe(50);
    expect(slicedWasserstein(ddpm.samples, data, new Rng(3))).toBeLessThan(0.04);
    expect(slicedWasserstein(ddim.samples, data, new Rng(3))).toBeLessThan(0.04);
    expect(slicedWasserstein(normals(n, 5), data, new Rng(3))).toBeGreaterThan(0.3);
    const flat = ddpmNoNoiseSample(ideal, s, n, new Rng(1), { steps: 200 });
    expect(trace(flat.samples)).toBeLessThan(0.05 * trace(data));
    expect(trace(ddpm.samples)).toBeGreaterThan(0.8 * trace(data)); // and the real thing does not
    expect(slicedWasserstein(flat.samples, data, new Rng(3))).toBeGreaterThan(0.04); // the SW bound can fail
  });

  it('records trajectories and x̂_0 predictions with recordEvery; runSampler dispatches', () => {
    const r = runSampler('ddim', ideal, s, 30, new Rng(4), { steps: 20, record: true, recordEvery: 5, x0Pred: true });
    expect(r.trajectoryT).toEqual([1000, 750, 500, 250, 0]);
    expect(r.trajectory!.length).toBe(5);
    expect(r.x0Trajectory!.length).toBe(5);
    expect(Array.from(r.x0Trajectory![4])).toEqual(Array.from(r.samples));
    // x̂_0 at the start is the ideal denoiser's E[x_0 | x_T] ≈ the data mean (small spread).
    expect(trace(r.x0Trajectory![0])).toBeLessThan(0.05);
    const packed = packTrajectory(r.trajectory!);
    expect(packed.length).toBe(5 * 60);
    expect(Array.from(packed.subarray(4 * 60))).toEqual(Array.from(r.samples));
    expect(runSampler('heun', ideal, s, 3, new Rng(4), { steps: 10 }).nfe).toBe(19);
    expect(runSampler('euler', ideal, s, 3, new Rng(4), { steps: 10 }).nfe).toBe(10);
    expect(() => runSampler('plms' as never, ideal, s, 3, new Rng(4))).toThrow(/unknown sampler/);
  });
});

describe('probability-flow ODE', () => {
  // Gaussian data x_0 ~ N(m, v·I): in y = x/sqrt(ᾱ), σ = sqrt((1 − ᾱ)/ᾱ) the flow is
  // y(σ) = m + (y_T − m)·sqrt((v + σ²)/(v + σ_T²)), so x_0 = m + (x_T/sqrt(ᾱ_T) − m)·sqrt(v ᾱ_T/(v ᾱ_T + 1 − ᾱ_T)).
  const m: [number, number] = [0.3, -0.2],
    v = 0.09,
    n = 1000;
  const den = gaussianDenoiser(s, m, v);
  const init = normals(n, 1);
  const exactErr = (x: Float32Array, t0: number) => {
    const ab = s.alphaBar[t0];
    const k = Math.sqrt((v * ab) / (v * ab + 1 - ab));
    let e = 0;
    for (let i = 0; i < 2 * n; i++) e = Math.max(e, Math.abs(x[i] - (m[i % 2] + (init[i] / Math.sqrt(ab) - m[i % 2]) * k)));
    return e;
  };

  it('Euler is DDIM η = 0 (1e-5); Heun beats Euler at equal NFE by ≥ 2× (linspace spacing, 39 NFE)', () => {
    const e = odeSample(den, s, n, new Rng(1), { solver: 'euler', steps: 39, init, spacing: 'linspace' });
    const d = ddimSample(den, s, n, new Rng(1), { steps: 39, init, spacing: 'linspace' });
    expect(maxAbs(e.samples, d.samples)).toBeLessThan(1e-5);
    const h = odeSample(den, s, n, new Rng(1), { solver: 'heun', steps: 20, init, spacing: 'linspace' });
    expect(h.nfe).toBe(39);
    expect(e.nfe).toBe(39);
    const eh = exactErr(h.samples, 1000),
      ee = exactErr(e.samples, 1000);
    // Measured: Heun 0.040, Euler 0.108. (With 'trailing', both end with one Euler step from
    // t = T/steps straight to 0, which dominates the error: there they tie.)
    expect(eh).toBeLessThan(0.5 * ee);
    // Heun converges: doubling its steps cuts its error by more than 2×.
    const h2 = odeSample(den, s, n, new Rng(1), { solver: 'heun', steps: 40, init, spacing: 'linspace' });
    expect(exactErr(h2.samples, 1000)).toBeLessThan(0.5 * eh);
  });
});
