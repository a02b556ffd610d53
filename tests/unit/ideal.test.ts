// The ideal (posterior-mean) denoiser against facts computed without its softmax formula:
// a Monte Carlo estimate of E[x0 | x_t ≈ q] from forward samples, Tweedie's formula on an
// independently written log-density, the first-order large-t expansion, and conditioning.
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { makeSchedule } from '$lib/diffusion/schedules';
import { IdealDenoiser } from '$lib/diffusion/ideal';
import { makeDataset } from '$lib/diffusion/datasets';

const s = makeSchedule('linear', 1000);
// Six points, two classes: class 0 on the left, class 1 on the right.
const pts = new Float32Array([-0.8, 0.2, -0.5, -0.6, -0.9, -0.1, 0.7, 0.5, 0.4, -0.7, 0.9, 0.0]);
const labels = new Uint8Array([0, 0, 0, 1, 1, 1]);

describe('IdealDenoiser', () => {
  it('equals a brute-force Monte Carlo posterior mean (samples with x_t in a small ball, 4 SE + ball bias)', () => {
    const den = new IdealDenoiser(pts, s);
    const t = 150;
    const a = Math.sqrt(s.alphaBar[t]),
      sd = Math.sqrt(1 - s.alphaBar[t]);
    const queries = [
      [0, 0],
      [-0.5, 0.1],
      [0.5, -0.4]
    ];
    const r = 0.04;
    const M = 3_000_000;
    const rng = new Rng(5);
    const acc = queries.map(() => ({ n: 0, sx: 0, sy: 0, sxx: 0, syy: 0 }));
    for (let m = 0; m < M; m++) {
      const i = rng.int(6);
      const x = a * pts[2 * i] + sd * rng.normal(),
        y = a * pts[2 * i + 1] + sd * rng.normal();
      for (let q = 0; q < queries.length; q++) {
        const dx = x - queries[q][0],
          dy = y - queries[q][1];
        if (dx * dx + dy * dy < r * r) {
          const A = acc[q];
          A.n++;
          A.sx += pts[2 * i];
          A.sy += pts[2 * i + 1];
          A.sxx += pts[2 * i] ** 2;
          A.syy += pts[2 * i + 1] ** 2;
        }
      }
    }
    const out = new Float32Array(2);
    queries.forEach((q, k) => {
      const A = acc[k];
      expect(A.n).toBeGreaterThan(2000);
      const mx = A.sx / A.n,
        my = A.sy / A.n;
      const sex = Math.sqrt((A.sxx / A.n - mx * mx) / A.n),
        sey = Math.sqrt((A.syy / A.n - my * my) / A.n);
      den.x0Hat(new Float32Array(q), 1, t, out);
      // The ball averages E[x0 | x_t] over radius r: bias ≲ r²·|∇²E| which is ≤ 0.005 here.
      expect(Math.abs(out[0] - mx)).toBeLessThan(4 * sex + 0.005);
      expect(Math.abs(out[1] - my)).toBeLessThan(4 * sey + 0.005);
    });
  });

  it('gives the exact score (Tweedie): −ε̂/sqrt(1 − ᾱ) = ∇ log p_t, checked by finite differences', () => {
    const data = makeDataset('spiral', 300, 2);
    const den = new IdealDenoiser(data, s);
    // log p_t written independently: mixture of N(sqrt(ᾱ) x_i, (1 − ᾱ) I), summed directly.
    const logp = (x: number, y: number, t: number) => {
      const a = Math.sqrt(s.alphaBar[t]),
        v = 1 - s.alphaBar[t];
      let sum = 0;
      for (let i = 0; i < data.n; i++) sum += Math.exp(-((x - a * data.points[2 * i]) ** 2 + (y - a * data.points[2 * i + 1]) ** 2) / (2 * v));
      return Math.log(sum / data.n / (2 * Math.PI * v));
    };
    const eps = new Float32Array(2),
      lp = new Float64Array(1);
    for (const t of [60, 200, 700]) {
      for (const [x, y] of [
        [0.3, -0.2],
        [-0.6, 0.5],
        [1.2, 0.9]
      ]) {
        const q = new Float32Array([x, y]);
        den.eps(q, 1, t, eps);
        const sd = Math.sqrt(1 - s.alphaBar[t]);
        const h = 1e-4;
        const gx = (logp(x + h, y, t) - logp(x - h, y, t)) / (2 * h);
        const gy = (logp(x, y + h, t) - logp(x, y - h, t)) / (2 * h);
        const scale = Math.hypot(gx, gy) + 1;
        expect(Math.abs(-eps[0] / sd - gx) / scale).toBeLessThan(2e-4);
        expect(Math.abs(-eps[1] / sd - gy) / scale).toBeLessThan(2e-4);
        den.logDensity(q, 1, t, lp);
        expect(lp[0]).toBeCloseTo(logp(x, y, t), 6);
      }
    }
  });

  it('at large t approaches the data mean, to first order μ + sqrt(ᾱ)/(1 − ᾱ)·Σ(x_t − sqrt(ᾱ)μ)', () => {
    const data = makeDataset('moons', 500, 4);
    const den = new IdealDenoiser(data, s);
    const n = data.n;
    let mx = 0,
      my = 0;
    for (let i = 0; i < n; i++) {
      mx += data.points[2 * i];
      my += data.points[2 * i + 1];
    }
    mx /= n;
    my /= n;
    let cxx = 0,
      cxy = 0,
      cyy = 0;
    for (let i = 0; i < n; i++) {
      const dx = data.points[2 * i] - mx,
        dy = data.points[2 * i + 1] - my;
      cxx += dx * dx / n;
      cxy += dx * dy / n;
      cyy += dy * dy / n;
    }
    const t = 1000;
    const a = Math.sqrt(s.alphaBar[t]),
      v = 1 - s.alphaBar[t];
    const out = new Float32Array(2);
    for (const [x, y] of [
      [1.5, -0.5],
      [-2, 1]
    ]) {
      den.x0Hat(new Float32Array([x, y]), 1, t, out);
      const rx = x - a * mx,
        ry = y - a * my;
      const fx = mx + (a / v) * (cxx * rx + cxy * ry),
        fy = my + (a / v) * (cxy * rx + cyy * ry);
      expect(Math.abs(out[0] - fx)).toBeLessThan(2e-5);
      expect(Math.abs(out[1] - fy)).toBeLessThan(2e-5);
      // …and the first-order term is really there (so the check above is not just "≈ mean").
      expect(Math.hypot(fx - mx, fy - my)).toBeGreaterThan(5e-4);
    }
  });

  it('returns the nearest data point at t = 0 (and ε̂ = 0 there)', () => {
    const den = new IdealDenoiser(pts, s);
    const q = new Float32Array([0.6, 0.3, -0.7, -0.5]);
    const out = new Float32Array(4);
    den.x0Hat(q, 2, 0, out);
    expect(Array.from(out)).toEqual([pts[6], pts[7], pts[2], pts[3]]);
    den.eps(q, 2, 0, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
  });

  it('conditional: class c uses only class-c points (equals the denoiser of that class alone)', () => {
    const den = new IdealDenoiser(pts, s, labels);
    expect(den.conditional).toBe(true);
    const only1 = new IdealDenoiser(pts.slice(6), s);
    const rng = new Rng(8);
    const q = new Float32Array(2 * 50).map(() => rng.normal());
    const a = new Float32Array(100),
      b = new Float32Array(100),
      u = new Float32Array(100);
    for (const t of [1, 100, 600]) {
      den.x0Hat(q, 50, t, a, 1);
      only1.x0Hat(q, 50, t, b);
      for (let i = 0; i < 100; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
      for (let i = 0; i < 50; i++) expect(a[2 * i]).toBeGreaterThan(0.39); // inside class 1's hull
      den.x0Hat(q, 50, t, u, -1);
      let differs = 0;
      for (let i = 0; i < 100; i++) if (Math.abs(u[i] - a[i]) > 1e-3) differs++;
      expect(differs).toBeGreaterThan(0); // unconditional uses all six points
    }
    expect(() => den.x0Hat(q, 1, 10, a, 2)).toThrow(/class 2 out of range/);
    expect(() => new IdealDenoiser(pts, s).x0Hat(q, 1, 10, a, 0)).toThrow(/no labels/);
  });

  it('stays finite at tiny t and far from the data (log-sum-exp)', () => {
    const den = new IdealDenoiser(makeDataset('spiral', 2000, 1), s);
    const q = new Float32Array([50, -50, 0.1, 0.1]);
    const out = new Float32Array(4);
    for (const t of [1, 2, 1000]) {
      den.eps(q, 2, t, out);
      for (const v of out) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
