// Training: Adam against known behaviour, determinism, and the target — DDPM samples of
// the default MLP trained for the in-browser budget are within 3× of the noise floor on the spiral.
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { makeSchedule } from '$lib/diffusion/schedules';
import { makeDataset, sampleInto } from '$lib/diffusion/datasets';
import { MLP } from '$lib/diffusion/mlp';
import { Adam } from '$lib/diffusion/adam';
import { DEFAULT_MLP_CONFIG, DEFAULT_TRAIN_OPTS, DEFAULT_TRAIN_STEPS, Trainer } from '$lib/diffusion/train';
import { ddpmSample } from '$lib/diffusion/samplers';
import { compareToData, slicedWasserstein } from '$lib/diffusion/metrics';

const s = makeSchedule('linear', 1000);

describe('Adam', () => {
  it('takes a first step of exactly lr·sign(g) (bias correction) and minimises a quadratic', () => {
    const p = new Float64Array([1, -2, 3]);
    const adam = new Adam(3, { lr: 0.1 });
    adam.step(p, new Float64Array([0.5, -40, 1e-3]));
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(-1.9, 6);
    expect(p[2]).toBeCloseTo(2.9, 4);
    // f(p) = Σ c_i p_i² / 2 with very different curvatures.
    const c = [1, 100, 0.01];
    const q = new Float64Array([1, 1, 1]);
    const opt = new Adam(3, { lr: 0.05 });
    for (let k = 0; k < 3000; k++) opt.step(q, Float64Array.from(q, (v, i) => c[i] * v), 0.05 * (1 - k / 3000));
    for (const v of q) expect(Math.abs(v)).toBeLessThan(0.02);
  });
});

describe('Trainer', () => {
  it('is deterministic for a seed, and the loss decreases', () => {
    const data = makeDataset('moons', 1000, 1);
    const run = () => {
      const m = new MLP({ ...DEFAULT_MLP_CONFIG }, new Rng(2));
      const tr = new Trainer(m, data, s, { seed: 3 });
      tr.run(400);
      return { m, tr };
    };
    const a = run(),
      b = run();
    expect(Array.from(a.m.params)).toEqual(Array.from(b.m.params));
    const h = a.tr.lossHistory;
    expect(h.length).toBe(400);
    const mean = (x: number[]) => x.reduce((p, v) => p + v, 0) / x.length;
    // Untrained the loss is ≈ E|ε|² = 2; it must fall well below.
    expect(mean(h.slice(0, 20))).toBeGreaterThan(0.8);
    expect(mean(h.slice(-100))).toBeLessThan(0.6 * mean(h.slice(0, 20)));
    expect(a.tr.model().trainedSteps).toBe(400);
  });

  it('rejects mismatched inputs with clear errors', () => {
    const m = new MLP({ ...DEFAULT_MLP_CONFIG, T: 500 }, new Rng(1));
    expect(() => new Trainer(m, makeDataset('spiral', 10, 1), s, { seed: 1 })).toThrow(/T = 500/);
    const c = new MLP({ ...DEFAULT_MLP_CONFIG, numClasses: 3 }, new Rng(1));
    expect(() => new Trainer(c, makeDataset('spiral', 10, 1), s, { seed: 1 })).toThrow(/labelled dataset/);
  });

  it(
    `reaches the target: default MLP, ${DEFAULT_TRAIN_STEPS} steps on the spiral → SW(DDPM samples, data) ≤ 3 × noise floor (n = 2000)`,
    () => {
      const data = makeDataset('spiral', 2000, 11);
      const mlp = new MLP({ ...DEFAULT_MLP_CONFIG }, new Rng(1));
      const tr = new Trainer(mlp, data, s, { ...DEFAULT_TRAIN_OPTS, seed: 1 });
      // Negative control first: the untrained network is far from the data.
      const before = compareToData(ddpmSample(tr.model(), s, 2000, new Rng(5), { steps: 100 }).samples, 'spiral', new Rng(6), { repeats: 4 });
      expect(before.ratio).toBeGreaterThan(3);
      tr.run(DEFAULT_TRAIN_STEPS);
      const { samples } = ddpmSample(tr.model(), s, 2000, new Rng(7));
      const q = compareToData(samples, 'spiral', new Rng(8), { repeats: 8 });
      expect(q.floor).toBeGreaterThan(0.005);
      expect(q.floor).toBeLessThan(0.05);
      expect(q.ratio).toBeLessThanOrEqual(3);
    },
    120_000
  );

  it('conditional training (spiral3, null-label dropout): class-c samples match class c, not the others', () => {
    const data = makeDataset('spiral3', 3000, 12);
    const mlp = new MLP({ ...DEFAULT_MLP_CONFIG, numClasses: 3 }, new Rng(4));
    const tr = new Trainer(mlp, data, s, { ...DEFAULT_TRAIN_OPTS, seed: 4, totalSteps: 2000 });
    tr.run(2000);
    const model = tr.model();
    // Fresh class-c data by rejection from the generator.
    const classData = (c: number, n: number, rng: Rng) => {
      const out: number[] = [];
      const buf = new Float32Array(512),
        lab = new Uint8Array(256);
      while (out.length < 2 * n) {
        sampleInto('spiral3', 256, rng, buf, lab);
        for (let i = 0; i < 256 && out.length < 2 * n; i++) if (lab[i] === c) out.push(buf[2 * i], buf[2 * i + 1]);
      }
      return new Float32Array(out);
    };
    const ref = [0, 1, 2].map((c) => classData(c, 1000, new Rng(50 + c)));
    for (let c = 0; c < 3; c++) {
      const x = ddpmSample(model, s, 1000, new Rng(60 + c), { cls: c, steps: 250 }).samples;
      const d = ref.map((r) => slicedWasserstein(x, r, new Rng(70)));
      for (let o = 0; o < 3; o++) if (o !== c) expect(d[c]).toBeLessThan(0.5 * d[o]);
    }
  });
});
