// The MLP: manual backprop against central finite differences for every parameter group
// (float64 forward, ReLU kinks detected and skipped), the fast sampling path against the training
// path, classes, and the JSON format (round trip, and clear errors for malformed files).
import { describe, expect, it } from 'vitest';
import { Rng } from '$lib/diffusion/rng';
import { MLP, base64ToBytes, bytesToBase64, mlpLayout, type MLPConfig, type MLPJson } from '$lib/diffusion/mlp';

function gradCheck(cfg: MLPConfig, seed: number, corrupt?: (grad: Float64Array) => void) {
  const m = new MLP(cfg, new Rng(seed));
  const rng = new Rng(seed + 1);
  // Move the (small-initialised) skip, output and class weights away from zero so every group matters.
  for (let i = 0; i < m.params.length; i++) m.params[i] += 0.3 * rng.normal();
  const n = 7;
  const x = new Float64Array(2 * n).map(() => rng.normal());
  const t = Int32Array.from({ length: n }, () => rng.int(cfg.T + 1));
  const cls = cfg.numClasses ? Int32Array.from({ length: n }, (_, i) => (i % (cfg.numClasses + 1)) - 1) : null;
  const target = new Float64Array(2 * n).map(() => rng.normal());
  const out = new Float64Array(2 * n);
  const loss = () => {
    m.forwardBatch(x, t, cls, n, out);
    let s = 0;
    for (let i = 0; i < 2 * n; i++) s += (out[i] - target[i]) ** 2;
    return s;
  };
  const L0 = loss();
  const dOut = new Float64Array(2 * n).map((_, i) => 2 * (out[i] - target[i]));
  const grad = new Float64Array(m.paramCount);
  m.backward(dOut, grad);
  corrupt?.(grad);
  const L = mlpLayout(cfg);
  const groupOf = (i: number) => {
    if (i >= L.bo) return 'bo';
    if (i >= L.wo) return 'wo';
    if (i >= L.skip) return 'skip';
    for (let l = L.layers.length - 1; l >= 0; l--) {
      const ly = L.layers[l];
      if (i >= ly.b) return `b${l}`;
      if (ly.c >= 0 && i >= ly.c) return `c${l}`;
      if (i >= ly.u) return `u${l}`;
      if (i >= ly.w) return `w${l}`;
    }
    return '?';
  };
  const worst: Record<string, number> = {};
  let kinks = 0;
  for (let i = 0; i < m.paramCount; i++) {
    const p0 = m.params[i];
    const h = 1e-3 * Math.max(Math.abs(p0), 0.1);
    m.params[i] = Math.fround(p0 + h);
    const hp = m.params[i] - p0;
    const Lp = loss();
    m.params[i] = Math.fround(p0 - h);
    const hm = p0 - m.params[i];
    const Lm = loss();
    m.params[i] = p0;
    // A ReLU kink between p − h and p + h makes the one-sided slopes disagree: skip those.
    const right = (Lp - L0) / hp,
      left = (L0 - Lm) / hm;
    const fd = (Lp - Lm) / (hp + hm);
    if (Math.abs(right - left) > 1e-3 * (1 + Math.abs(fd)) + 20 * h) {
      kinks++;
      continue;
    }
    const err = Math.abs(fd - grad[i]) / (1e-3 + Math.abs(fd));
    const g = groupOf(i);
    worst[g] = Math.max(worst[g] ?? 0, err);
  }
  return { worst, kinks, count: m.paramCount };
}

describe('MLP gradients', () => {
  const base = { hidden: 6, depth: 3, tEmbDim: 4, T: 50, xFreqs: 2 };
  for (const numClasses of [0, 3]) {
    it(`match central finite differences for every parameter group (numClasses = ${numClasses})`, () => {
      const { worst, kinks, count } = gradCheck({ ...base, numClasses }, 10 + numClasses);
      const groups = ['w0', 'u0', 'b0', 'w1', 'u1', 'b1', 'w2', 'u2', 'b2', 'skip', 'wo', 'bo', ...(numClasses ? ['c0', 'c1', 'c2'] : [])];
      for (const g of groups) {
        expect(worst[g], `group ${g} checked`).toBeDefined();
        expect(worst[g], `group ${g}`).toBeLessThan(2e-3);
      }
      expect(kinks).toBeLessThan(0.05 * count);
    });
  }

  it('the check detects a 1% error in one group (negative control), and backward() accumulates', () => {
    const cfg = { ...base, numClasses: 0 };
    const L = mlpLayout(cfg);
    const { worst } = gradCheck(cfg, 10, (g) => {
      for (let j = 0; j < cfg.hidden; j++) g[L.layers[1].b + j] *= 1.01;
    });
    expect(worst.b1).toBeGreaterThan(5e-3);
    const m = new MLP(cfg, new Rng(3));
    const out = new Float64Array(2);
    m.forwardBatch(new Float64Array([0.3, -0.2]), [10], null, 1, out);
    const g1 = new Float64Array(m.paramCount);
    m.backward(new Float64Array([1, 0.5]), g1);
    const g2 = Float64Array.from(g1);
    m.backward(new Float64Array([1, 0.5]), g2); // adds the same gradient again
    for (let i = 0; i < g1.length; i++) expect(g2[i]).toBeCloseTo(2 * g1[i], 12);
  });
});

describe('MLP forward', () => {
  it('eps() (blocked fast path, shared t) equals forwardBatch, for n not a multiple of 4', () => {
    for (const numClasses of [0, 2]) {
      const m = new MLP({ hidden: 16, depth: 3, tEmbDim: 8, numClasses, T: 1000 }, new Rng(4));
      const rng = new Rng(5);
      for (let i = 0; i < m.params.length; i++) m.params[i] += 0.1 * rng.normal();
      const n = 11;
      const x = new Float32Array(2 * n).map(() => rng.normal());
      const a = new Float32Array(2 * n),
        b = new Float64Array(2 * n);
      for (const t of [0, 1, 437, 1000]) {
        for (const c of numClasses ? [-1, 0, 1] : [undefined]) {
          m.eps(x, n, t, a, c);
          m.forwardBatch(x, new Array(n).fill(t), numClasses ? new Array(n).fill(c) : null, n, b);
          for (let i = 0; i < 2 * n; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5 * (1 + Math.abs(b[i])));
        }
      }
    }
  });

  it('classes: −1 and undefined are the null class; classes differ; bad classes throw', () => {
    const m = new MLP({ hidden: 8, depth: 2, tEmbDim: 4, numClasses: 2, T: 100 }, new Rng(1));
    const x = new Float32Array([0.1, 0.2]);
    const a = new Float32Array(2),
      b = new Float32Array(2),
      c = new Float32Array(2);
    m.eps(x, 1, 50, a, -1);
    m.eps(x, 1, 50, b);
    expect(Array.from(a)).toEqual(Array.from(b));
    m.eps(x, 1, 50, c, 1);
    expect(Array.from(c)).not.toEqual(Array.from(a));
    expect(() => m.eps(x, 1, 50, c, 2)).toThrow(/class 2 out of range/);
    const u = new MLP({ hidden: 8, depth: 2, tEmbDim: 4, numClasses: 0, T: 100 }, new Rng(1));
    expect(() => u.eps(x, 1, 50, c, 0)).toThrow(/unconditional/);
    expect(() => u.eps(x, 1, 101, c)).toThrow(/t must be an integer/);
  });

  it('is deterministic: the same seed gives the same weights', () => {
    const cfg = { hidden: 8, depth: 2, tEmbDim: 4, numClasses: 0, T: 100 };
    expect(Array.from(new MLP(cfg, new Rng(9)).params)).toEqual(Array.from(new MLP(cfg, new Rng(9)).params));
  });
});

describe('MLP JSON', () => {
  const cfg: MLPConfig = { hidden: 8, depth: 2, tEmbDim: 4, numClasses: 3, T: 100, xFreqs: 3 };

  it('base64 matches Node’s encoder and round-trips', () => {
    const rng = new Rng(2);
    for (const len of [0, 1, 2, 3, 4, 100, 1001]) {
      const bytes = Uint8Array.from({ length: len }, () => rng.int(256));
      const b64 = bytesToBase64(bytes);
      expect(b64).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(b64))).toEqual(Array.from(bytes));
    }
  });

  it('round-trips exactly through JSON text (params as little-endian float32)', () => {
    const m = new MLP(cfg, new Rng(3));
    m.trainedSteps = 42;
    m.finalLoss = 0.25;
    const j = JSON.parse(JSON.stringify(m.toJSON({ dataset: 'spiral3', schedule: 'cosine', meta: { seed: 3 } })));
    expect(j.format).toBe('de-mlp-1');
    const raw = Buffer.from(j.params, 'base64');
    expect(raw.readFloatLE(4)).toBe(m.params[1]);
    const m2 = MLP.fromJSON(j);
    expect(Array.from(m2.params)).toEqual(Array.from(m.params));
    expect(m2.cfg).toEqual(cfg);
    expect([m2.dataset, m2.schedule, m2.trainedSteps, m2.finalLoss]).toEqual(['spiral3', 'cosine', 42, 0.25]);
    expect(m2.meta).toEqual({ seed: 3 });
    const x = new Float32Array([0.3, 0.4, -1, 0.2]);
    const a = new Float32Array(4),
      b = new Float32Array(4);
    m.eps(x, 2, 77, a, 2);
    m2.eps(x, 2, 77, b, 2);
    expect(Array.from(b)).toEqual(Array.from(a));
    // JSON.stringify(mlp) calls toJSON('') and must still work.
    expect(JSON.parse(JSON.stringify(m)).params).toBe(j.params);
  });

  it('rejects malformed or mismatched files with clear messages', () => {
    const good = new MLP(cfg, new Rng(3)).toJSON({ dataset: 'gmm', schedule: 'linear' });
    const bad = (patch: Record<string, unknown>) => ({ ...good, ...patch }) as unknown as MLPJson;
    expect(() => MLP.fromJSON(null)).toThrow(/expected a JSON object/);
    expect(() => MLP.fromJSON(bad({ format: 'de-mlp-0' }))).toThrow(/unknown format "de-mlp-0"/);
    expect(() => MLP.fromJSON(bad({ cfg: { ...cfg, hidden: 9 } }))).toThrow(/params hold \d+ numbers but the config .* needs \d+/);
    expect(() => MLP.fromJSON(bad({ cfg: { ...cfg, depth: 0 } }))).toThrow(/depth must be an integer/);
    expect(() => MLP.fromJSON(bad({ cfg: { ...cfg, tEmbDim: 5 } }))).toThrow(/tEmbDim must be even/);
    expect(() => MLP.fromJSON(bad({ params: good.params.slice(0, -8) }))).toThrow(/params hold/);
    expect(() => MLP.fromJSON(bad({ params: '!!!!' + good.params.slice(4) }))).toThrow(/not valid base64/);
    expect(() => MLP.fromJSON(bad({ params: 42 }))).toThrow(/base64 string/);
    expect(() => MLP.fromJSON(bad({ schedule: 'sigmoid' }))).toThrow(/unknown schedule/);
    expect(() => MLP.fromJSON(bad({ trainedSteps: -1 }))).toThrow(/trainedSteps/);
    const p = new MLP(cfg, new Rng(3));
    p.params[5] = NaN;
    expect(() => MLP.fromJSON(p.toJSON())).toThrow(/parameter 5 is NaN/);
    p.params[5] = Infinity;
    expect(() => MLP.fromJSON(p.toJSON())).toThrow(/parameter 5 is Infinity/);
  });
});
