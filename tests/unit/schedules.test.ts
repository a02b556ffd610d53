// Schedules against their published definitions and closed forms.
import { describe, expect, it } from 'vitest';
import { makeSchedule, type ScheduleName } from '$lib/diffusion/schedules';

const names: ScheduleName[] = ['linear', 'cosine', 'scaled-linear'];

describe('schedules', () => {
  it('share the t = 0 convention: length T + 1, beta[0] = 0, alphaBar[0] = 1, snr[0] = Infinity', () => {
    for (const name of names) {
      const s = makeSchedule(name, 1000);
      expect(s.T).toBe(1000);
      for (const a of [s.beta, s.alpha, s.alphaBar, s.snr]) expect(a.length).toBe(1001);
      expect(s.beta[0]).toBe(0);
      expect(s.alpha[0]).toBe(1);
      expect(s.alphaBar[0]).toBe(1);
      expect(s.snr[0]).toBe(Infinity);
    }
  });

  it('linear: DDPM endpoints β₁ = 1e−4, β_T = 0.02 (scaled by 1000/T for other T), ᾱ_T ≈ 4.04e−5', () => {
    const s = makeSchedule('linear');
    expect(s.beta[1]).toBeCloseTo(1e-4, 15);
    expect(s.beta[1000]).toBeCloseTo(0.02, 15);
    expect(s.beta[500] - s.beta[499]).toBeCloseTo((0.02 - 1e-4) / 999, 15);
    // Published value for DDPM's schedule (e.g. Ho et al. 2020 code): ᾱ_1000 ≈ 4.036e−5.
    expect(Math.abs(s.alphaBar[1000] / 4.036e-5 - 1)).toBeLessThan(0.01);
    const s2 = makeSchedule('linear', 200);
    expect(s2.beta[1]).toBeCloseTo(5e-4, 15);
    expect(s2.beta[200]).toBeCloseTo(0.1, 15);
    const s3 = makeSchedule('linear', 10);
    expect(Math.max(...s3.beta)).toBeLessThan(1);
  });

  it('scaled-linear: Stable Diffusion endpoints 0.00085 and 0.012, with √β linear in t', () => {
    const s = makeSchedule('scaled-linear');
    expect(s.beta[1]).toBeCloseTo(0.00085, 15);
    expect(s.beta[1000]).toBeCloseTo(0.012, 15);
    for (const t of [2, 300, 999]) {
      const d2 = Math.sqrt(s.beta[t + 1]) - 2 * Math.sqrt(s.beta[t]) + Math.sqrt(s.beta[t - 1]);
      expect(Math.abs(d2)).toBeLessThan(1e-12);
    }
  });

  it('cosine: ᾱ_t follows cos²(((t/T + s)/(1 + s))·π/2) / cos²((s/(1 + s))·π/2), β ≤ 0.999', () => {
    const T = 1000;
    const s = makeSchedule('cosine', T);
    const f = (t: number) => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const t of [1, 10, 250, 500, 900, 990]) expect(Math.abs(s.alphaBar[t] - f(t) / f(0))).toBeLessThan(1e-12);
    for (let t = 1; t <= T; t++) expect(s.beta[t]).toBeLessThanOrEqual(0.999);
    expect(s.beta[T]).toBe(0.999); // the last step is the one that gets clipped
  });

  it('ᾱ is the running product of 1 − β, strictly decreasing; snr = ᾱ/(1 − ᾱ) decreasing', () => {
    for (const name of names) {
      const s = makeSchedule(name, 1000);
      let prod = 1;
      for (let t = 1; t <= 1000; t++) {
        prod *= 1 - s.beta[t];
        expect(Math.abs(s.alphaBar[t] - prod)).toBeLessThan(1e-14);
        expect(s.alpha[t]).toBe(1 - s.beta[t]);
        expect(s.alphaBar[t]).toBeLessThan(s.alphaBar[t - 1]);
        expect(s.snr[t]).toBeCloseTo(s.alphaBar[t] / (1 - s.alphaBar[t]), 12);
        expect(s.snr[t]).toBeLessThan(s.snr[t - 1]);
      }
    }
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => makeSchedule('quadratic' as ScheduleName)).toThrow(/unknown schedule/);
    expect(() => makeSchedule('linear', 0)).toThrow(/positive integer/);
  });
});
