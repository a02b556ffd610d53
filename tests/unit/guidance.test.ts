// Classifier-free guidance (src/lib/diffusion/guidance.ts): the wrapper is the formula, its two
// special weights are the two plain models, and with the ideal denoisers guidance moves class
// accuracy the way it should (towards the target for w > 1, away from a negated class).
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { makeSchedule } from '$lib/diffusion/schedules';
import { makeDataset } from '$lib/diffusion/datasets';
import { IdealDenoiser } from '$lib/diffusion/ideal';
import { MLP } from '$lib/diffusion/mlp';
import { ddpmSample } from '$lib/diffusion/samplers';
import type { Denoiser } from '$lib/diffusion/denoiser';
import { ArmClassifier, GuidedDenoiser, armAccuracy, armCoverage, combineGuidance, guided, probeArrows, totalVariance } from '$lib/diffusion/guidance';

const s = makeSchedule('linear', 1000);
const data = makeDataset('spiral3', 600, 1);
const ideal = new IdealDenoiser(data, s);
const ref = makeDataset('spiral3', 3000, 99);
const clf = new ArmClassifier(ref.points, ref.labels!);

function randomPoints(n: number, seed: number): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: 2 * n }, () => r.normal());
}

/** A small untrained conditional network: arbitrary but fixed predictions, distinct per class. */
const net = new MLP({ hidden: 16, depth: 2, tEmbDim: 8, numClasses: 3, T: 1000 }, new Rng(5));

describe('GuidedDenoiser', () => {
  const x = randomPoints(37, 3);
  const n = 37;
  for (const [name, den] of [['ideal', ideal], ['network', net]] as [string, Denoiser][]) {
    it(`${name}: eps equals ε_∅ + w(ε_c − ε_∅) and ε_neg + w(ε_c − ε_neg), to float precision`, () => {
      const ec = new Float32Array(2 * n), eu = new Float32Array(2 * n), en = new Float32Array(2 * n), out = new Float32Array(2 * n);
      for (const t of [1, 250, 1000]) {
        den.eps(x, n, t, ec, 2);
        den.eps(x, n, t, eu, -1);
        den.eps(x, n, t, en, 0);
        for (const w of [-1.5, 0.5, 3, 7.5]) {
          guided(den, 2, w).eps(x, n, t, out);
          for (let i = 0; i < 2 * n; i++) expect(Math.abs(out[i] - (eu[i] + w * (ec[i] - eu[i])))).toBeLessThan(1e-5 * (1 + Math.abs(w)) * (1 + Math.abs(ec[i]) + Math.abs(eu[i])));
          guided(den, 2, w, 0).eps(x, n, t, out);
          for (let i = 0; i < 2 * n; i++) expect(Math.abs(out[i] - (en[i] + w * (ec[i] - en[i])))).toBeLessThan(1e-5 * (1 + Math.abs(w)) * (1 + Math.abs(ec[i]) + Math.abs(en[i])));
        }
        // w = 1 is the conditional prediction and w = 0 the unconditional one, exactly.
        guided(den, 2, 1).eps(x, n, t, out);
        expect(Array.from(out)).toEqual(Array.from(ec));
        guided(den, 2, 0).eps(x, n, t, out);
        expect(Array.from(out)).toEqual(Array.from(eu));
      }
    });
  }

  it('combineGuidance is the formula; the wrapper rejects what it cannot do', () => {
    const c = Float32Array.of(1, 2), b = Float32Array.of(-1, 0.5);
    expect(Array.from(combineGuidance(c, b, 3, new Float32Array(2)))).toEqual([5, 5]);
    const uncond: Denoiser = { conditional: false, eps: (_x, m, _t, o) => o.fill(0, 0, 2 * m) };
    expect(() => new GuidedDenoiser(uncond, 1, 2)).toThrow(/not conditional/);
    expect(() => new GuidedDenoiser(ideal, 1, NaN)).toThrow(/finite/);
    // The identity behind "w < 0 is a negative prompt": ε_∅ + w(ε_c − ε_∅) = ε_c + (1 − w)(ε_∅ − ε_c).
    const o1 = new Float32Array(2 * n), o2 = new Float32Array(2 * n);
    guided(ideal, 1, -2).eps(x, n, 400, o1);
    guided(ideal, -1, 3, 1).eps(x, n, 400, o2);
    for (let i = 0; i < 2 * n; i++) expect(o1[i]).toBeCloseTo(o2[i], 4);
  });

  it('probeArrows: guided = uncond + w·diff, and arrows are x̂_0 − x_t', () => {
    const a = probeArrows(ideal, s, 0.3, -0.35, 300, 1, 3);
    expect(a.guided[0]).toBeCloseTo(a.uncond[0] + 3 * a.diff[0], 6);
    expect(a.guided[1]).toBeCloseTo(a.uncond[1] + 3 * a.diff[1], 6);
    const x0 = new Float32Array(2);
    ideal.x0Hat(Float32Array.of(0.3, -0.35), 1, 300, x0, 1);
    expect(a.cond[0]).toBeCloseTo(x0[0] - 0.3, 4);
    expect(a.cond[1]).toBeCloseTo(x0[1] + 0.35, 4);
    // the difference is parallel to −(ε_c − ε_∅)
    const de = [a.epsCond[0] - a.epsUncond[0], a.epsCond[1] - a.epsUncond[1]];
    expect(a.diff[0] * de[1] - a.diff[1] * de[0]).toBeCloseTo(0, 6);
    expect(a.diff[0] * de[0] + a.diff[1] * de[1]).toBeLessThan(0);
    expect(a.x0Cond[0]).toBeCloseTo(x0[0], 4);
    expect(() => probeArrows(ideal, s, 0, 0, 0, 1, 1)).toThrow();
  });
});

describe('measurements', () => {
  it('fresh data of each class is classified as that class, and covers its arm', () => {
    const d = makeDataset('spiral3', 900, 12345);
    const labels = clf.classify(d.points);
    let ok = 0;
    for (let i = 0; i < d.n; i++) if (labels[i] === d.labels![i]) ok++;
    expect(ok / d.n).toBeGreaterThan(0.99);
    const cats = Float32Array.from({ length: 600 }, (_, k) => d.points[2 * (3 * (k >> 1) + 1) + (k & 1)]);
    expect(armAccuracy(cats, 1, clf)).toBeGreaterThan(0.99);
    expect(armCoverage(cats, 1, clf)).toBeGreaterThan(0.85);
    // all samples at one spot of the arm: coverage 1/bins
    const spot = new Float32Array(200);
    for (let i = 0; i < 100; i++) { spot[2 * i] = cats[0]; spot[2 * i + 1] = cats[1]; }
    expect(armCoverage(spot, 1, clf)).toBeCloseTo(0.1, 6);
    expect(armAccuracy(Float32Array.of(5, 5), 1, clf)).toBe(0); // far from the data: a miss
    expect(totalVariance(Float32Array.of(0, 0, 2, 0))).toBeCloseTo(2, 6);
  });
});

describe('guided sampling with the ideal denoisers', () => {
  // A coarse 10-step DDPM sampler, so the conditional samples (w = 1) are far from perfect:
  // measured (seed 7, 300 samples) accuracy 0.36 at w = 0, 0.43 at w = 1, 0.93 at w = 5.
  const acc = (den: Denoiser, cls: number, steps: number) => armAccuracy(ddpmSample(den, s, 300, new Rng(7), { steps }).samples, cls, clf, Infinity);

  it('w > 1 raises class accuracy above w = 1 and w = 0 (and coverage falls)', () => {
    const a0 = acc(guided(ideal, 1, 0), 1, 10);
    const a1 = acc(guided(ideal, 1, 1), 1, 10);
    const a5 = acc(guided(ideal, 1, 5), 1, 10);
    expect(a0).toBeLessThan(0.5);
    expect(a5).toBeGreaterThan(a1 + 0.25);
    expect(a5).toBeGreaterThan(a0 + 0.25);
    expect(a5).toBeGreaterThan(0.85);
  });

  it('with 100 steps w = 1 is already accurate, and guidance trades coverage for it', () => {
    const r1 = ddpmSample(guided(ideal, 2, 1), s, 300, new Rng(8), { steps: 100 }).samples;
    const r5 = ddpmSample(guided(ideal, 2, 5), s, 300, new Rng(8), { steps: 100 }).samples;
    expect(armAccuracy(r1, 2, clf, Infinity)).toBeGreaterThan(0.95);
    expect(armAccuracy(r5, 2, clf, Infinity)).toBeGreaterThan(0.9);
    expect(armCoverage(r5, 2, clf)).toBeLessThan(armCoverage(r1, 2, clf) - 0.2);
  });

  it('negative guidance lowers the share of the negated class', () => {
    // "anything but cat": ε_cat + w(ε_∅ − ε_cat); at w = 1 this is the unconditional model (≈ 1/3 cats).
    const plain = acc(guided(ideal, -1, 1, 1), 1, 50);
    const notCat = acc(guided(ideal, -1, 3, 1), 1, 50);
    expect(plain).toBeGreaterThan(0.2);
    expect(notCat).toBeLessThan(plain - 0.1);
    // w < 0 on cat is the same steering away from cat.
    expect(acc(guided(ideal, 1, -2), 1, 50)).toBeLessThan(plain - 0.1);
  });
});
