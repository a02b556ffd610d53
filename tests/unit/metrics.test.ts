// Metrics against closed forms: sliced Wasserstein of shifted clouds (|Δm|/√2), exact 1D W₂
// between unequal empirical distributions, a hand-computed MMD, and moments.
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { compareToData, meanCov, mmd, noiseFloor, slicedWasserstein, w2SquaredSorted } from '$lib/diffusion/metrics';
import { makeDataset } from '$lib/diffusion/datasets';

function gauss(n: number, rng: Rng, mx = 0, my = 0) {
  const o = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    o[2 * i] = mx + rng.normal();
    o[2 * i + 1] = my + rng.normal();
  }
  return o;
}

describe('slicedWasserstein', () => {
  it('is exactly 0 for identical sets, and for a set vs itself listed twice (unequal sizes)', () => {
    const a = makeDataset('moons', 500, 1).points;
    expect(slicedWasserstein(a, new Float32Array(a), new Rng(1))).toBe(0);
    const twice = new Float32Array(2000);
    twice.set(a);
    twice.set(a, 1000);
    expect(slicedWasserstein(a, twice, new Rng(2))).toBeLessThan(1e-12);
  });

  it('a cloud shifted by Δm: every projection moves by ⟨Δm, θ⟩, so SW₂ = |Δm|·sqrt(E cos²) = |Δm|/√2', () => {
    const a = gauss(5000, new Rng(3));
    const b = new Float32Array(a);
    for (let i = 0; i < 5000; i++) {
      b[2 * i] += 0.6;
      b[2 * i + 1] -= 0.8;
    }
    // Stratified directions make the average of cos² accurate to ~1e-4 with 128 projections.
    expect(Math.abs(slicedWasserstein(a, b, new Rng(4)) - 1 / Math.SQRT2)).toBeLessThan(2e-3);
    // Independent samples of N(0, I) and N(Δm, I): the same closed form plus a small sampling floor.
    const c = gauss(20000, new Rng(5), 0.6, -0.8);
    const d = gauss(20000, new Rng(6));
    expect(Math.abs(slicedWasserstein(c, d, new Rng(7)) - 1 / Math.SQRT2)).toBeLessThan(0.02);
  });

  it('1D W₂² between unequal empirical distributions integrates the quantile functions exactly', () => {
    // {0, 1} vs {0, 0.5, 1}: quantiles differ by 0.5 on (1/3, 2/3): W₂² = 0.25 · 1/3 = 1/12.
    expect(w2SquaredSorted(new Float64Array([0, 1]), 2, new Float64Array([0, 0.5, 1]), 3)).toBeCloseTo(1 / 12, 14);
    // {0} vs {1, 3}: W₂² = (1 + 9)/2.
    expect(w2SquaredSorted(new Float64Array([0]), 1, new Float64Array([1, 3]), 2)).toBeCloseTo(5, 14);
  });
});

describe('mmd (unbiased MMD², RBF kernel)', () => {
  it('matches a hand computation for two 2-point sets', () => {
    const a = new Float32Array([0, 0, 1, 0]);
    const b = new Float32Array([0, 1, 2, 2]);
    const h = 0.8;
    const k = (x: number[], y: number[]) => Math.exp(-((x[0] - y[0]) ** 2 + (x[1] - y[1]) ** 2) / (2 * h * h));
    const A = [[0, 0], [1, 0]],
      B = [[0, 1], [2, 2]];
    let kab = 0;
    for (const x of A) for (const y of B) kab += k(x, y);
    const expected = k(A[0], A[1]) + k(B[0], B[1]) - (2 * kab) / 4;
    expect(mmd(a, b, h)).toBeCloseTo(expected, 6);
  });

  it('is ≈ 0 for samples of one distribution and clearly positive for shifted ones (n = 500)', () => {
    const r = new Rng(11);
    const same = mmd(gauss(500, r), gauss(500, r));
    const shifted = mmd(gauss(500, r), gauss(500, r, 0.5));
    // Under the null the unbiased estimate has sd ≈ 0.001 here; the shift gives ≈ 0.027.
    expect(Math.abs(same)).toBeLessThan(0.006);
    expect(shifted).toBeGreaterThan(0.015);
  });
});

describe('meanCov', () => {
  it('matches closed forms', () => {
    const m = meanCov(new Float32Array([1, 0, -1, 0, 0, 2, 0, -2]));
    expect(m.mean).toEqual([0, 0]);
    expect(m.cov).toEqual([0.5, 0, 2]);
    // Correlated Gaussian: x = z1, y = 0.5 z1 + z2 + 3 → cov [1, 0.5, 1.25], mean [0, 3] (4 SE).
    const r = new Rng(12);
    const n = 100_000;
    const p = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const z1 = r.normal(),
        z2 = r.normal();
      p[2 * i] = z1;
      p[2 * i + 1] = 0.5 * z1 + z2 + 3;
    }
    const g = meanCov(p);
    expect(Math.abs(g.mean[0])).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(g.mean[1] - 3)).toBeLessThan(4 * Math.sqrt(1.25 / n));
    expect(Math.abs(g.cov[0] - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(g.cov[1] - 0.5)).toBeLessThan(4 * Math.sqrt((1 * 1.25 + 0.25) / n));
    expect(Math.abs(g.cov[2] - 1.25)).toBeLessThan(4 * 1.25 * Math.sqrt(2 / n));
  });
});

describe('noise floor', () => {
  it('shrinks like 1/√n: floor(500)/floor(8000) ≈ 4 (averaged over 6 draws each)', () => {
    const avg = (n: number) => {
      let s = 0;
      for (let k = 0; k < 6; k++) s += noiseFloor('spiral', n, new Rng(100 + k), 64);
      return s / 6;
    };
    const ratio = avg(500) / avg(8000);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(8);
  });

  it('compareToData: data vs data ≈ 1, a wrong shape ≫ 1', () => {
    const data = makeDataset('spiral', 2000, 99).points;
    expect(compareToData(data, 'spiral', new Rng(1), { repeats: 6 }).ratio).toBeLessThan(1.6);
    const moons = makeDataset('moons', 2000, 99).points;
    expect(compareToData(moons, 'spiral', new Rng(1), { repeats: 6 }).ratio).toBeGreaterThan(4);
    // A pool works too (disjoint halves of the pool for the floor).
    const pool = makeDataset('spiral', 8000, 5).points;
    expect(noiseFloor(pool, 2000, new Rng(3))).toBeGreaterThan(0);
  });
});
