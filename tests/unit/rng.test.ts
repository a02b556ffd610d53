// Rng: determinism (golden values, so Node and browsers can be compared) and the moments of the
// uniform and normal streams. Every statistical check uses a fixed seed and a tolerance of
// 4 standard errors of the statistic.
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';

describe('Rng', () => {
  it('is deterministic and matches golden values (sfc32 seeded by splitmix32)', () => {
    const a = new Rng(1);
    expect([a.nextUint32(), a.nextUint32(), a.nextUint32()]).toEqual([1828152527, 3394835397, 2967886022]);
    expect(new Rng(1).normal()).toBe(-0.35475983685503787);
    expect(new Rng(12345).next()).toBe(0.5460953079164028);
    const x = new Rng(42),
      y = new Rng(42),
      z = new Rng(43);
    let same = 0,
      differ = 0;
    for (let i = 0; i < 1000; i++) {
      const u = x.next();
      if (u === y.next()) same++;
      if (u !== z.next()) differ++;
    }
    expect(same).toBe(1000);
    expect(differ).toBeGreaterThan(995);
  });

  it('fork(k) depends only on the seed and k, and streams differ', () => {
    const p = new Rng(7);
    const f1 = p.fork(1).next();
    for (let i = 0; i < 100; i++) p.next();
    expect(p.fork(1).next()).toBe(f1);
    expect(new Rng(7).fork(2).next()).not.toBe(f1);
    expect(new Rng(8).fork(1).next()).not.toBe(f1);
  });

  it('next() is uniform on [0, 1): range, mean 1/2, variance 1/12', () => {
    const r = new Rng(2024);
    const n = 1_000_000;
    let s = 0,
      s2 = 0,
      lo = 1,
      hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      s += u;
      s2 += u * u;
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
    const mean = s / n;
    const v = s2 / n - mean * mean;
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n)); // 4 SE
    // SE of the sample variance of U(0,1): sqrt((1/80 − 1/144)/n)
    expect(Math.abs(v - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / n));
  });

  it('int(k) is uniform on 0..k−1 (chi-square, p = 0.001 critical value)', () => {
    const r = new Rng(99);
    const k = 10,
      n = 100_000;
    const c = new Array(k).fill(0);
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const v = r.int(k);
      if (!(Number.isInteger(v) && v >= 0 && v < k)) bad++;
      else c[v]++;
    }
    expect(bad).toBe(0);
    const chi2 = c.reduce((a, o) => a + (o - n / k) ** 2 / (n / k), 0);
    expect(chi2).toBeLessThan(27.88); // χ²(9) at p = 0.001
  });

  it('normal() has mean 0, variance 1, skewness 0 and kurtosis 3', () => {
    const r = new Rng(31337);
    const n = 1_000_000;
    let m1 = 0,
      m2 = 0,
      m3 = 0,
      m4 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      m1 += z;
      m2 += z * z;
      m3 += z * z * z;
      m4 += z * z * z * z;
    }
    m1 /= n;
    m2 /= n;
    m3 /= n;
    m4 /= n;
    expect(Math.abs(m1)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m3)).toBeLessThan(4 * Math.sqrt(15 / n)); // Var(z³) = 15
    expect(Math.abs(m4 - 3)).toBeLessThan(4 * Math.sqrt(96 / n)); // Var(z⁴) = 105 − 9 = 96
  });
});
