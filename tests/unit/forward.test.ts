// Forward process: closed-form moments, the step-by-step walk agreeing with the closed form in
// distribution, and the posterior q(x_{t−1} | x_t, x_0) against Gaussian conditioning.
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { makeSchedule } from '$lib/diffusion/schedules';
import { posteriorMeanVar, qSample, randomWalk, walkStep } from '$lib/diffusion/forward';
import { makeDataset } from '$lib/diffusion/datasets';

const s = makeSchedule('linear', 1000);

function moments(x: Float32Array) {
  const n = x.length / 2;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[2 * i];
    my += x[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let vx = 0,
    vy = 0,
    cxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[2 * i] - mx,
      dy = x[2 * i + 1] - my;
    vx += dx * dx;
    vy += dy * dy;
    cxy += dx * dy;
  }
  return { mx, my, vx: vx / n, vy: vy / n, cxy: cxy / n };
}

/** Two-sample Kolmogorov–Smirnov statistic of the values proj(point) of a and b. */
function ks(a: Float32Array, b: Float32Array, proj: (x: number, y: number) => number) {
  const pa = Float64Array.from({ length: a.length / 2 }, (_, i) => proj(a[2 * i], a[2 * i + 1])).sort();
  const pb = Float64Array.from({ length: b.length / 2 }, (_, i) => proj(b[2 * i], b[2 * i + 1])).sort();
  let i = 0,
    j = 0,
    d = 0;
  while (i < pa.length && j < pb.length) {
    if (pa[i] <= pb[j]) i++;
    else j++;
    d = Math.max(d, Math.abs(i / pa.length - j / pb.length));
  }
  return d;
}

describe('qSample (closed form)', () => {
  it('has mean sqrt(ᾱ_t)·x0 and variance 1 − ᾱ_t per coordinate, no correlation (1e5 samples, 4 SE)', () => {
    const n = 100_000;
    const x0 = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      x0[2 * i] = 0.6;
      x0[2 * i + 1] = -0.3;
    }
    for (const t of [1, 10, 100, 500, 1000]) {
      const x = qSample(x0, t, s, new Rng(t));
      const m = moments(x);
      const a = Math.sqrt(s.alphaBar[t]),
        v = 1 - s.alphaBar[t];
      const seMean = Math.sqrt(v / n),
        seVar = v * Math.sqrt(2 / n);
      expect(Math.abs(m.mx - a * 0.6)).toBeLessThan(4 * seMean);
      expect(Math.abs(m.my + a * 0.3)).toBeLessThan(4 * seMean);
      expect(Math.abs(m.vx - v)).toBeLessThan(4 * seVar);
      expect(Math.abs(m.vy - v)).toBeLessThan(4 * seVar);
      expect(Math.abs(m.cxy)).toBeLessThan(4 * v / Math.sqrt(n));
    }
  });

  it('returns the noise it used: x_t = sqrt(ᾱ)x0 + sqrt(1 − ᾱ)ε, and t = 0 gives x0', () => {
    const x0 = makeDataset('moons', 100, 1).points;
    const eps = new Float32Array(200);
    const x = qSample(x0, 300, s, new Rng(5), undefined, eps);
    const a = Math.sqrt(s.alphaBar[300]),
      b = Math.sqrt(1 - s.alphaBar[300]);
    for (let i = 0; i < 200; i++) expect(Math.abs(x[i] - (a * x0[i] + b * eps[i]))).toBeLessThan(1e-6);
    const same = qSample(x0, 0, s, new Rng(5));
    for (let i = 0; i < 200; i++) expect(same[i]).toBe(x0[i]);
    expect(() => qSample(x0, 1001, s, new Rng(1))).toThrow(/t must be an integer/);
  });
});

describe('random walk vs closed form', () => {
  it('walkStep is x_t = sqrt(1 − β_t)x_{t−1} + sqrt(β_t)z with z from the generator', () => {
    const x = new Float32Array([0.5, -0.25]);
    const r = new Rng(3);
    const z0 = r.normal(),
      z1 = r.normal();
    walkStep(x, 700, s, new Rng(3));
    expect(x[0]).toBeCloseTo(Math.sqrt(1 - s.beta[700]) * 0.5 + Math.sqrt(s.beta[700]) * z0, 6);
    expect(x[1]).toBeCloseTo(Math.sqrt(1 - s.beta[700]) * -0.25 + Math.sqrt(s.beta[700]) * z1, 6);
  });

  it('walking from one point gives mean sqrt(ᾱ_t)x0 and covariance (1 − ᾱ_t)I (2e4 walkers, 4 SE)', () => {
    const n = 20_000;
    const x0 = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      x0[2 * i] = -0.7;
      x0[2 * i + 1] = 0.4;
    }
    const rng = new Rng(11);
    const x = new Float32Array(x0);
    let t = 0;
    for (const target of [1, 20, 200]) {
      while (t < target) walkStep(x, ++t, s, rng);
      const m = moments(x);
      const a = Math.sqrt(s.alphaBar[t]),
        v = 1 - s.alphaBar[t];
      expect(Math.abs(m.mx + 0.7 * a)).toBeLessThan(4 * Math.sqrt(v / n));
      expect(Math.abs(m.my - 0.4 * a)).toBeLessThan(4 * Math.sqrt(v / n));
      expect(Math.abs(m.vx / v - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      expect(Math.abs(m.vy / v - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
      expect(Math.abs(m.cxy / v)).toBeLessThan(4 / Math.sqrt(n));
    }
  });

  it('walked and jumped spirals agree in distribution (two-sample KS at α = 0.001), and KS detects a wrong t', () => {
    const n = 4000;
    const x0 = makeDataset('spiral', n, 3).points;
    const crit = 1.95 * Math.sqrt(2 / n); // KS critical value at α = 0.001
    const projs = [(x: number) => x, (_: number, y: number) => y, (x: number, y: number) => Math.hypot(x, y)];
    for (const t of [10, 60, 250]) {
      const walked = randomWalk(x0, t, s, new Rng(100 + t));
      const jumped = qSample(x0, t, s, new Rng(200 + t));
      for (const p of projs) expect(ks(walked, jumped, p)).toBeLessThan(crit);
      // Negative control: the jump to a later time is detectably different.
      const later = qSample(x0, 2 * t + 30, s, new Rng(300 + t));
      expect(Math.max(...projs.map((p) => ks(walked, later, p)))).toBeGreaterThan(crit);
    }
  });
});

describe('posterior q(x_{t−1} | x_t, x_0)', () => {
  it('equals Gaussian conditioning of the joint (x_{t−1}, x_t) given x_0', () => {
    for (const t of [1, 2, 50, 500, 1000]) {
      // Given x0: x_{t−1} ~ N(√ᾱ_{t−1} x0, 1 − ᾱ_{t−1}), x_t = √α_t x_{t−1} + √β_t z.
      const vPrev = 1 - s.alphaBar[t - 1],
        vT = 1 - s.alphaBar[t];
      const cov = Math.sqrt(s.alpha[t]) * vPrev;
      const x0 = 0.3,
        xt = -1.1;
      const mean = Math.sqrt(s.alphaBar[t - 1]) * x0 + (cov / vT) * (xt - Math.sqrt(s.alphaBar[t]) * x0);
      const variance = vPrev - (cov * cov) / vT;
      const r = posteriorMeanVar(new Float32Array([x0, x0]), new Float32Array([xt, xt]), t, s);
      expect(Math.abs(r.mean[0] - mean)).toBeLessThan(1e-6);
      expect(Math.abs(r.variance - variance)).toBeLessThan(1e-12);
    }
  });

  it('matches a Monte Carlo regression of x_{t−1} on x_t (4 SE)', () => {
    const t = 300,
      n = 100_000,
      x0 = 0.5;
    const rng = new Rng(77);
    const a = new Float64Array(n),
      b = new Float64Array(n);
    const sp = Math.sqrt(s.alphaBar[t - 1]),
      vp = Math.sqrt(1 - s.alphaBar[t - 1]);
    for (let i = 0; i < n; i++) {
      a[i] = sp * x0 + vp * rng.normal();
      b[i] = Math.sqrt(1 - s.beta[t]) * a[i] + Math.sqrt(s.beta[t]) * rng.normal();
    }
    // Least squares a ≈ c + k·b: then c + k·x_t is the posterior mean and the residual variance β̃.
    let mb = 0,
      ma = 0;
    for (let i = 0; i < n; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= n;
    mb /= n;
    let sbb = 0,
      sab = 0;
    for (let i = 0; i < n; i++) {
      sbb += (b[i] - mb) ** 2;
      sab += (a[i] - ma) * (b[i] - mb);
    }
    const k = sab / sbb,
      c = ma - k * mb;
    let res = 0;
    for (let i = 0; i < n; i++) res += (a[i] - c - k * b[i]) ** 2;
    res /= n;
    const r = posteriorMeanVar(new Float32Array([x0, 0]), new Float32Array([0, 0]), t, s);
    expect(Math.abs(k - r.ct)).toBeLessThan(4 * Math.sqrt(res / sbb));
    expect(Math.abs(res / r.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(c - r.c0 * x0)).toBeLessThan(4 * Math.sqrt(res / n) + 4 * Math.sqrt(res / sbb) * Math.abs(mb));
  });
});
