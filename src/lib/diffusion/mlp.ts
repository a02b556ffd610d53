// A small MLP noise predictor ε_θ(x_t, t[, class]) with hand-written backpropagation.
//
// Why plain TypeScript and manual backprop rather than a tensor library (TF.js, onnxruntime-web
// training, ...): the network is tiny (a few thousand weights), so a library's per-op dispatch,
// its WebGL/WASM start-up and its download would cost more than the arithmetic; plain loops over
// typed arrays run the same code, at the same speed and with the same results, in Node tests,
// on the page and in a Web Worker; there is no dependency; the whole model (forward, backward,
// serialisation) is a few hundred readable lines a curious reader can open; and it is
// deterministic: same seed, same weights, same samples (JS arithmetic is IEEE double everywhere;
// the only transcendental functions used, Math.sin/cos for the embeddings, are fdlibm ports in V8).
//
// Architecture (cfg: hidden H, depth D, tEmbDim E, numClasses K, T, xFreqs F):
//   e(t)  = [sin(ω_k t/T), cos(ω_k t/T)]_{k < E/2}, ω_k geometric from OMEGA_MIN to OMEGA_MAX
//   φ(x)  = [x, y, sin(2^k x), cos(2^k x), sin(2^k y), cos(2^k y)]_{k < F}   (Fourier features)
//   h⁰    = relu(W⁰ φ(x) + U⁰ e(t) + b⁰ [+ C⁰[c]])
//   hˡ    = hˡ⁻¹ + relu(Wˡ hˡ⁻¹ + Uˡ e(t) + bˡ [+ Cˡ[c]])          l = 1..D−1 (residual blocks)
//   ε̂     = W_o h^{D−1} + b_o + g(t)·x,   g(t) = g₀ + v·e(t)        (a learned linear skip)
// Class c ∈ 0..K−1 or the learned "null" class K (for classifier-free guidance) enters as one
// embedding row per layer, like the time embedding. Because time and class only ever shift
// each layer's bias, when all particles share t and c (sampling — the hot path) those biases and
// g(t) are computed once per call, and a particle costs H(2 + 4F) + (D−1)H² + 2H multiply-adds
// and 4 Math.sin/cos (the higher Fourier octaves come from double-angle formulas).
//
// Design choices, measured on the spiral (see models/mlp/README.md):
//  - Fourier features of x: without them a 32-wide net cannot draw the thin spiral in a few
//    thousand steps (samples stay a blurred disc); with them it can.
//  - ReLU rather than SiLU: the same sample quality per step here, but no Math.exp per unit,
//    which makes training ~1.5× and sampling ~1.3× faster (and leaves no transcendental
//    function in the hidden layers, so results cannot depend on a JS engine's exp).
//  - Time in every layer (not only the first): the field changes a lot with t, and per-layer
//    biases are free at sampling time.
//  - Residual hidden blocks and the linear skip g(t)·x: faster early training (for large t,
//    ε ≈ x_t up to a t-dependent factor, which the skip gets right at once).
import type { Denoiser } from './denoiser';
import type { Rng } from './rng';
import { SCHEDULE_NAMES, type ScheduleName } from './schedules';

export interface MLPConfig {
  hidden: number;
  depth: number;
  tEmbDim: number;
  /** 0 = unconditional; otherwise a learned class embedding with an extra null label index = numClasses. */
  numClasses: number;
  T: number;
  /**
   * Fourier features of the input point: octaves k < xFreqs add sin/cos(X_OMEGA0·2^k·x) and the
   * same for y to the first layer's input (0 = raw x, y only). Optional; absent means
   * DEFAULT_X_FREQS. Lets a small network draw sharp structure (a thin spiral) at small t.
   */
  xFreqs?: number;
}

export interface MLPJson {
  format: 'de-mlp-1';
  cfg: MLPConfig;
  /** Dataset the network was trained on (e.g. 'spiral'). */
  dataset: string;
  schedule: ScheduleName;
  /** base64 of the little-endian float32 parameter buffer. */
  params: string;
  trainedSteps: number;
  /** Last smoothed training loss (null if untrained). */
  finalLoss: number | null;
  /** Free-form provenance (seed, options, quality numbers, ...). */
  meta?: Record<string, unknown>;
}

export const MLP_FORMAT = 'de-mlp-1';
/** Lowest and highest angular frequency (radians per unit of t/T) of the sinusoidal time embedding. */
export const OMEGA_MIN = 1;
export const OMEGA_MAX = 100;
/** Lowest angular frequency of the input Fourier features (the others double, octave by octave). */
export const X_OMEGA0 = 1;
export const DEFAULT_X_FREQS = 6;

/** Number of first-layer inputs: x, y and 4 features per octave. */
export function inputDim(cfg: MLPConfig): number {
  return 2 + 4 * (cfg.xFreqs ?? DEFAULT_X_FREQS);
}

/**
 * First-layer input features of point (x, y) into out[off..off + 2 + 4F):
 * [x, y, sin ω₀x, cos ω₀x, sin ω₀y, cos ω₀y, sin 2ω₀x, ...]. Higher octaves come from the
 * double-angle formulas (sin 2a = 2 sin a cos a, cos 2a = 1 − 2 sin² a): 4 Math.sin/cos per point.
 */
export function inputFeatures(x: number, y: number, F: number, out: Float64Array, off: number): void {
  out[off] = x;
  out[off + 1] = y;
  if (F === 0) return;
  let sx = Math.sin(X_OMEGA0 * x),
    cx = Math.cos(X_OMEGA0 * x),
    sy = Math.sin(X_OMEGA0 * y),
    cy = Math.cos(X_OMEGA0 * y);
  let o = off + 2;
  for (let k = 0; k < F; k++) {
    out[o] = sx;
    out[o + 1] = cx;
    out[o + 2] = sy;
    out[o + 3] = cy;
    o += 4;
    const sx2 = 2 * sx * cx,
      sy2 = 2 * sy * cy;
    cx = 1 - 2 * sx * sx;
    cy = 1 - 2 * sy * sy;
    sx = sx2;
    sy = sy2;
  }
}

/** Offsets of one layer's parameter groups inside the flat buffer (row-major matrices [out][in]). */
export interface LayerLayout {
  /** H × in (in = 2 for the first layer, H after). */
  w: number;
  in: number;
  /** H × E: this layer's time-embedding weights. */
  u: number;
  /** (K + 1) × H class embedding rows (−1 when unconditional). */
  c: number;
  /** H biases. */
  b: number;
}

export interface MLPLayout {
  layers: LayerLayout[];
  wo: number; // 2 × H
  /** 1 + E: time-dependent gain of the linear skip ε̂ += g(t)·x, g(t) = skip[0] + Σ_k skip[1+k] e_k(t). */
  skip: number;
  bo: number; // 2
  total: number;
}

export function mlpLayout(cfg: MLPConfig): MLPLayout {
  const { hidden: H, depth: D, tEmbDim: E, numClasses: K } = cfg;
  let o = 0;
  const layers: LayerLayout[] = [];
  for (let l = 0; l < D; l++) {
    const inDim = l === 0 ? inputDim(cfg) : H;
    const w = o;
    o += H * inDim;
    const u = o;
    o += H * E;
    const c = K > 0 ? o : -1;
    if (K > 0) o += (K + 1) * H;
    const b = o;
    o += H;
    layers.push({ w, in: inDim, u, c, b });
  }
  const skip = o;
  o += 1 + E;
  const wo = o;
  o += 2 * H;
  const bo = o;
  o += 2;
  return { layers, skip, wo, bo, total: o };
}

export function validateMLPConfig(cfg: unknown): MLPConfig {
  if (!cfg || typeof cfg !== 'object') throw new Error('MLP config must be an object {hidden, depth, tEmbDim, numClasses, T}');
  const c = cfg as Record<string, unknown>;
  const int = (k: string, lo: number, hi: number, extra = '') => {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new Error(`MLP config: ${k} must be an integer in ${lo}..${hi}${extra}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const out: MLPConfig = {
    hidden: int('hidden', 1, 1024),
    depth: int('depth', 1, 16),
    tEmbDim: int('tEmbDim', 2, 256),
    numClasses: int('numClasses', 0, 255),
    T: int('T', 1, 100000),
    xFreqs: c.xFreqs === undefined ? DEFAULT_X_FREQS : int('xFreqs', 0, 12)
  };
  if (out.tEmbDim % 2 !== 0) throw new Error(`MLP config: tEmbDim must be even, got ${out.tEmbDim}`);
  return out;
}

/** Sinusoidal embedding of t/T into out[0..E): pairs (sin ω_k τ, cos ω_k τ). */
export function timeEmbedding(t: number, T: number, E: number, out: Float64Array, off = 0): void {
  const half = E >> 1;
  const tau = t / T;
  for (let k = 0; k < half; k++) {
    const w = half === 1 ? OMEGA_MIN : OMEGA_MIN * Math.pow(OMEGA_MAX / OMEGA_MIN, k / (half - 1));
    out[off + 2 * k] = Math.sin(w * tau);
    out[off + 2 * k + 1] = Math.cos(w * tau);
  }
}

// ---- base64 (no Buffer/atob: identical in Node, pages and workers) ----
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INV = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_INV[B64.charCodeAt(i)] = i;

export function bytesToBase64(b: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((i + 1 < b.length ? b[i + 1] : 0) << 8) | (i + 2 < b.length ? b[i + 2] : 0);
    chunk += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < b.length ? B64[n & 63] : '=');
    if (chunk.length > 4096) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

export function base64ToBytes(s: string): Uint8Array {
  const str = s.replace(/[\s]/g, '');
  if (str.length % 4 !== 0) throw new Error('params is not valid base64 (length is not a multiple of 4)');
  const pad = str.endsWith('==') ? 2 : str.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((str.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < str.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const ch = str.charCodeAt(i + k);
      let v: number;
      if (ch === 61 /* = */ && i + k >= str.length - pad) v = 0;
      else {
        v = ch < 128 ? B64_INV[ch] : -1;
        if (v < 0) throw new Error(`params is not valid base64 (bad character ${JSON.stringify(str[i + k])} at ${i + k})`);
      }
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

function floatsToBase64(p: Float32Array): string {
  const bytes = new Uint8Array(p.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < p.length; i++) dv.setFloat32(4 * i, p[i], true);
  return bytesToBase64(bytes);
}

function base64ToFloats(s: string): Float32Array {
  const bytes = base64ToBytes(s);
  if (bytes.length % 4 !== 0) throw new Error(`params decode to ${bytes.length} bytes, not a whole number of float32s`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

/** Block of particles processed together in eps(): each weight is loaded once per block. */
const BLK = 4;

/** The activation, ReLU (see the header for why). */
function act(z: number): number {
  return z > 0 ? z : 0;
}
function actGrad(z: number): number {
  return z > 0 ? 1 : 0;
}

export class MLP implements Denoiser {
  readonly cfg: MLPConfig;
  readonly layout: MLPLayout;
  /** All weights and biases in one flat buffer (see mlpLayout for the offsets). */
  readonly params: Float32Array;
  readonly conditional: boolean;
  /** Provenance written by toJSON (the Trainer keeps trainedSteps/finalLoss up to date). */
  dataset = '';
  schedule: ScheduleName = 'linear';
  trainedSteps = 0;
  finalLoss = NaN;
  meta: Record<string, unknown> | undefined;

  /** e(t) for t = 0..T, (T + 1) × E. */
  readonly #emb: Float64Array;
  // eps() scratch
  readonly #bias: Float64Array; // D × H: per-layer biases for the current (t, class)
  readonly #ha: Float64Array;
  readonly #hb: Float64Array;
  readonly #feat: Float64Array; // BLK × inDim input features
  readonly #inDim: number;
  readonly #xFreqs: number;
  #skipGain = 0;
  readonly #p64: Float64Array;
  readonly #tailIn = new Float32Array(2 * BLK);
  readonly #tailOut = new Float32Array(2 * BLK);
  // forwardBatch() caches for backward()
  #cap = 0;
  #n = 0;
  #x = new Float64Array(0);
  #t = new Int32Array(0);
  #c = new Int32Array(0);
  #h: Float64Array[] = []; // per layer: n × H activations
  #d: Float64Array[] = []; // per layer: n × H activation derivatives act'(z)
  #dh = new Float64Array(0);
  #dz = new Float64Array(0);

  constructor(cfg: MLPConfig, rng?: Rng | null, params?: Float32Array) {
    this.cfg = validateMLPConfig(cfg);
    this.layout = mlpLayout(this.cfg);
    const { hidden: H, depth: D, tEmbDim: E, numClasses: K, T } = this.cfg;
    this.conditional = K > 0;
    if (params) {
      if (params.length !== this.layout.total) throw new Error(`MLP: expected ${this.layout.total} parameters, got ${params.length}`);
      this.params = params;
    } else {
      this.params = new Float32Array(this.layout.total);
      if (!rng) throw new Error('MLP: pass an Rng to initialise the weights (or a parameter buffer)');
      this.#init(rng);
    }
    this.#emb = new Float64Array((T + 1) * E);
    for (let t = 0; t <= T; t++) timeEmbedding(t, T, E, this.#emb, t * E);
    this.#bias = new Float64Array(D * H);
    this.#p64 = new Float64Array(this.layout.total);
    this.#inDim = inputDim(this.cfg);
    this.#xFreqs = this.cfg.xFreqs ?? DEFAULT_X_FREQS;
    this.#feat = new Float64Array(BLK * this.#inDim);
    this.#ha = new Float64Array(BLK * H);
    this.#hb = new Float64Array(BLK * H);
  }

  get paramCount(): number {
    return this.layout.total;
  }

  static paramCountFor(cfg: MLPConfig): number {
    return mlpLayout(validateMLPConfig(cfg)).total;
  }

  #init(rng: Rng) {
    const { hidden: H, tEmbDim: E, numClasses: K } = this.cfg;
    const L = this.layout;
    const p = this.params;
    const fill = (off: number, count: number, std: number) => {
      for (let i = 0; i < count; i++) p[off + i] = std * rng.normal();
    };
    L.layers.forEach((ly, l) => {
      // He initialisation over each layer's inputs (the main input, e(t), the one active class row);
      // residual blocks start at half scale so the net starts close to a shallow one.
      const fan = ly.in + E + (K > 0 ? 1 : 0);
      const std = Math.sqrt(2 / fan) * (l === 0 ? 1 : 0.5);
      fill(ly.w, H * ly.in, std);
      fill(ly.u, H * E, std);
      if (K > 0) fill(ly.c, (K + 1) * H, std);
    });
    fill(L.wo, 2 * H, Math.sqrt(1 / H) * 0.1);
  }

  /** Class index → row of the class embeddings (K = null class, −1 = unconditional net); throws on bad classes. */
  #classRow(cls: number | undefined): number {
    const K = this.cfg.numClasses;
    if (K === 0) {
      if (cls !== undefined && cls >= 0) throw new Error(`MLP: this network is unconditional, it cannot be asked for class ${cls}`);
      return -1;
    }
    if (cls === undefined || cls < 0) return K;
    if (!Number.isInteger(cls) || cls >= K) throw new Error(`MLP: class ${cls} out of range 0..${K - 1} (or −1 for none)`);
    return cls;
  }

  /** Per-layer bias b_l + U_l e(t) + C_l[row] into out[l·H + j]. */
  #layerBiases(t: number, row: number, out: Float64Array): void {
    const { hidden: H, tEmbDim: E } = this.cfg;
    const p = this.params;
    const emb = this.#emb;
    const eo = t * E;
    const layers = this.layout.layers;
    for (let l = 0; l < layers.length; l++) {
      const ly = layers[l];
      for (let j = 0; j < H; j++) {
        let s = p[ly.b + j];
        const r = ly.u + j * E;
        for (let k = 0; k < E; k++) s += p[r + k] * emb[eo + k];
        if (row >= 0) s += p[ly.c + row * H + j];
        out[l * H + j] = s;
      }
    }
    let g = p[this.layout.skip];
    for (let k = 0; k < E; k++) g += p[this.layout.skip + 1 + k] * emb[eo + k];
    this.#skipGain = g;
  }

  /**
   * Predicted noise for n particles all at step t (0..T) and class cls, into out (2n floats).
   * cls: −1/undefined = unconditional (the null class of a conditional network).
   */
  eps(xt: Float32Array, n: number, t: number, out: Float32Array, cls?: number): void {
    const T = this.cfg.T;
    if (!Number.isInteger(t) || t < 0 || t > T) throw new Error(`MLP.eps: t must be an integer in 0..${T}, got ${t}`);
    if (xt.length < 2 * n || out.length < 2 * n) throw new Error(`MLP.eps: arrays hold fewer than ${n} points`);
    this.#layerBiases(t, this.#classRow(cls), this.#bias);
    this.#p64.set(this.params); // weights as float64 for the hot loop (a copy per call: never stale)
    const full = n - (n % BLK);
    for (let i = 0; i < full; i += BLK) this.#block(xt, out, 2 * i);
    if (full < n) {
      const m = n - full;
      const ti = this.#tailIn;
      ti.fill(0);
      for (let k = 0; k < 2 * m; k++) ti[k] = xt[2 * full + k];
      this.#block(ti, this.#tailOut, 0);
      for (let k = 0; k < 2 * m; k++) out[2 * full + k] = this.#tailOut[k];
    }
  }

  /** Forward pass for BLK = 4 particles starting at float offset `o` (biases already set). */
  #block(xt: Float32Array, out: Float32Array, o: number): void {
    const H = this.cfg.hidden;
    const L = this.layout;
    const p = this.#p64;
    const bias = this.#bias;
    let h = this.#ha;
    let g = this.#hb;
    const f = this.#feat;
    const I = this.#inDim,
      I2 = 2 * I,
      I3 = 3 * I;
    const F = this.#xFreqs;
    for (let q = 0; q < BLK; q++) inputFeatures(xt[o + 2 * q], xt[o + 2 * q + 1], F, f, q * I);
    const w0 = L.layers[0].w;
    // Activations are interleaved by particle, h[4k + q], so the four loads per input are adjacent.
    // Register blocking: two output units × four particles per pass (8 accumulators), so each
    // loaded input feeds two multiply-adds and each loaded weight four (H is even; an odd last
    // unit falls back to one at a time).
    const H2 = H & ~1;
    for (let j = 0; j < H2; j += 2) {
      const b = bias[j],
        c = bias[j + 1];
      let s0 = b,
        s1 = b,
        s2 = b,
        s3 = b,
        u0 = c,
        u1 = c,
        u2 = c,
        u3 = c;
      const r = w0 + j * I,
        r2 = r + I;
      for (let k = 0; k < I; k++) {
        const w = p[r + k],
          v = p[r2 + k];
        const f0 = f[k],
          f1 = f[I + k],
          f2 = f[I2 + k],
          f3 = f[I3 + k];
        s0 += w * f0;
        s1 += w * f1;
        s2 += w * f2;
        s3 += w * f3;
        u0 += v * f0;
        u1 += v * f1;
        u2 += v * f2;
        u3 += v * f3;
      }
      const o4 = 4 * j;
      h[o4] = s0 > 0 ? s0 : 0;
      h[o4 + 1] = s1 > 0 ? s1 : 0;
      h[o4 + 2] = s2 > 0 ? s2 : 0;
      h[o4 + 3] = s3 > 0 ? s3 : 0;
      h[o4 + 4] = u0 > 0 ? u0 : 0;
      h[o4 + 5] = u1 > 0 ? u1 : 0;
      h[o4 + 6] = u2 > 0 ? u2 : 0;
      h[o4 + 7] = u3 > 0 ? u3 : 0;
    }
    for (let j = H2; j < H; j++) {
      const b = bias[j];
      let s0 = b,
        s1 = b,
        s2 = b,
        s3 = b;
      const r = w0 + j * I;
      for (let k = 0; k < I; k++) {
        const w = p[r + k];
        s0 += w * f[k];
        s1 += w * f[I + k];
        s2 += w * f[I2 + k];
        s3 += w * f[I3 + k];
      }
      const o4 = 4 * j;
      h[o4] = s0 > 0 ? s0 : 0;
      h[o4 + 1] = s1 > 0 ? s1 : 0;
      h[o4 + 2] = s2 > 0 ? s2 : 0;
      h[o4 + 3] = s3 > 0 ? s3 : 0;
    }
    for (let l = 1; l < L.layers.length; l++) {
      const wOff = L.layers[l].w,
        bOff = l * H;
      for (let j = 0; j < H2; j += 2) {
        const b = bias[bOff + j],
          c = bias[bOff + j + 1];
        let s0 = b,
          s1 = b,
          s2 = b,
          s3 = b,
          u0 = c,
          u1 = c,
          u2 = c,
          u3 = c;
        const r = wOff + j * H,
          r2 = r + H;
        for (let k = 0, k4 = 0; k < H; k++, k4 += 4) {
          const w = p[r + k],
            v = p[r2 + k];
          const h0 = h[k4],
            h1 = h[k4 + 1],
            h2 = h[k4 + 2],
            h3 = h[k4 + 3];
          s0 += w * h0;
          s1 += w * h1;
          s2 += w * h2;
          s3 += w * h3;
          u0 += v * h0;
          u1 += v * h1;
          u2 += v * h2;
          u3 += v * h3;
        }
        const o4 = 4 * j;
        g[o4] = h[o4] + (s0 > 0 ? s0 : 0);
        g[o4 + 1] = h[o4 + 1] + (s1 > 0 ? s1 : 0);
        g[o4 + 2] = h[o4 + 2] + (s2 > 0 ? s2 : 0);
        g[o4 + 3] = h[o4 + 3] + (s3 > 0 ? s3 : 0);
        g[o4 + 4] = h[o4 + 4] + (u0 > 0 ? u0 : 0);
        g[o4 + 5] = h[o4 + 5] + (u1 > 0 ? u1 : 0);
        g[o4 + 6] = h[o4 + 6] + (u2 > 0 ? u2 : 0);
        g[o4 + 7] = h[o4 + 7] + (u3 > 0 ? u3 : 0);
      }
      for (let j = H2; j < H; j++) {
        const b = bias[bOff + j];
        let s0 = b,
          s1 = b,
          s2 = b,
          s3 = b;
        const r = wOff + j * H;
        for (let k = 0, k4 = 0; k < H; k++, k4 += 4) {
          const w = p[r + k];
          s0 += w * h[k4];
          s1 += w * h[k4 + 1];
          s2 += w * h[k4 + 2];
          s3 += w * h[k4 + 3];
        }
        const o4 = 4 * j;
        g[o4] = h[o4] + (s0 > 0 ? s0 : 0);
        g[o4 + 1] = h[o4 + 1] + (s1 > 0 ? s1 : 0);
        g[o4 + 2] = h[o4 + 2] + (s2 > 0 ? s2 : 0);
        g[o4 + 3] = h[o4 + 3] + (s3 > 0 ? s3 : 0);
      }
      const tmp = h;
      h = g;
      g = tmp;
    }
    const gs = this.#skipGain;
    for (let c = 0; c < 2; c++) {
      const b = p[L.bo + c];
      let s0 = b + gs * xt[o + c],
        s1 = b + gs * xt[o + 2 + c],
        s2 = b + gs * xt[o + 4 + c],
        s3 = b + gs * xt[o + 6 + c];
      const r = L.wo + c * H;
      for (let k = 0, k4 = 0; k < H; k++, k4 += 4) {
        const w = p[r + k];
        s0 += w * h[k4];
        s1 += w * h[k4 + 1];
        s2 += w * h[k4 + 2];
        s3 += w * h[k4 + 3];
      }
      out[o + c] = s0;
      out[o + 2 + c] = s1;
      out[o + 4 + c] = s2;
      out[o + 6 + c] = s3;
    }
  }

  #ensure(n: number) {
    if (n <= this.#cap) return;
    const H = this.cfg.hidden;
    const D = this.cfg.depth;
    this.#cap = n;
    this.#x = new Float64Array(this.#inDim * n);
    this.#t = new Int32Array(n);
    this.#c = new Int32Array(n);
    this.#h = Array.from({ length: D }, () => new Float64Array(n * H));
    this.#d = Array.from({ length: D }, () => new Float64Array(n * H));
    this.#dh = new Float64Array(n * H);
    this.#dz = new Float64Array(n * H);
  }

  /**
   * Training forward pass: n particles, each with its own step t[i] (0..T) and class cls[i]
   * (−1 = null; ignored/absent for unconditional nets). Writes ε̂ into out (2n) and keeps what
   * backward() needs. Runs in float64 throughout.
   */
  forwardBatch(x: Float32Array | Float64Array, t: ArrayLike<number>, cls: ArrayLike<number> | null | undefined, n: number, out: Float32Array | Float64Array): void {
    this.#ensure(n);
    const { hidden: H, tEmbDim: E, numClasses: K, T } = this.cfg;
    const L = this.layout;
    const p = this.params;
    const emb = this.#emb;
    this.#n = n;
    const X = this.#x,
      TT = this.#t,
      C = this.#c;
    for (let i = 0; i < n; i++) {
      inputFeatures(x[2 * i], x[2 * i + 1], this.#xFreqs, X, i * this.#inDim);
      const ti = t[i];
      if (!(ti >= 0 && ti <= T) || ti !== Math.floor(ti)) throw new Error(`MLP.forwardBatch: t[${i}] = ${ti} is not an integer in 0..${T}`);
      TT[i] = ti;
      C[i] = K > 0 ? this.#classRow(cls ? cls[i] : -1) : -1;
    }
    for (let l = 0; l < L.layers.length; l++) {
      const ly = L.layers[l];
      const hl = this.#h[l],
        dl = this.#d[l];
      const hp = l > 0 ? this.#h[l - 1] : X;
      const inDim = ly.in;
      for (let i = 0; i < n; i++) {
        const io = i * H,
          ii = i * inDim;
        const eo = TT[i] * E;
        const row = C[i];
        for (let j = 0; j < H; j++) {
          let z = p[ly.b + j];
          const r = ly.w + j * inDim;
          for (let k = 0; k < inDim; k++) z += p[r + k] * hp[ii + k];
          const ru = ly.u + j * E;
          for (let k = 0; k < E; k++) z += p[ru + k] * emb[eo + k];
          if (row >= 0) z += p[ly.c + row * H + j];
          hl[io + j] = (l > 0 ? hp[io + j] : 0) + act(z);
          dl[io + j] = actGrad(z);
        }
      }
    }
    const hL = this.#h[L.layers.length - 1];
    const I = this.#inDim;
    for (let i = 0; i < n; i++) {
      const io = i * H;
      const eo = TT[i] * E;
      let gs = p[L.skip];
      for (let k = 0; k < E; k++) gs += p[L.skip + 1 + k] * emb[eo + k];
      for (let c = 0; c < 2; c++) {
        let s = p[L.bo + c] + gs * X[i * I + c];
        const r = L.wo + c * H;
        for (let k = 0; k < H; k++) s += p[r + k] * hL[io + k];
        out[2 * i + c] = s;
      }
    }
  }

  /**
   * Backpropagate dLoss/dε̂ (2n floats, for the last forwardBatch) and ADD the parameter
   * gradient into grad (paramCount floats, same layout as params). Returns grad.
   */
  backward(dOut: Float32Array | Float64Array, grad: Float32Array | Float64Array): Float32Array | Float64Array {
    const n = this.#n;
    const { hidden: H, tEmbDim: E, depth: D } = this.cfg;
    const L = this.layout;
    const p = this.params;
    const emb = this.#emb;
    if (grad.length !== L.total) throw new Error(`MLP.backward: grad must have ${L.total} entries, got ${grad.length}`);
    const dh = this.#dh,
      dz = this.#dz;
    // Output layer: ε̂ = W_o h + b_o.
    const hL = this.#h[D - 1];
    const I = this.#inDim;
    for (let i = 0; i < n; i++) {
      const g0 = dOut[2 * i],
        g1 = dOut[2 * i + 1];
      grad[L.bo] += g0;
      grad[L.bo + 1] += g1;
      const dg = g0 * this.#x[i * I] + g1 * this.#x[i * I + 1];
      grad[L.skip] += dg;
      const eo = this.#t[i] * E;
      for (let k = 0; k < E; k++) grad[L.skip + 1 + k] += dg * emb[eo + k];
      const io = i * H;
      for (let k = 0; k < H; k++) {
        const hk = hL[io + k];
        grad[L.wo + k] += g0 * hk;
        grad[L.wo + H + k] += g1 * hk;
        dh[io + k] = p[L.wo + k] * g0 + p[L.wo + H + k] * g1;
      }
    }
    const X = this.#x,
      TT = this.#t,
      C = this.#c;
    // Layers, last to first: h_l = [h_{l−1} +] act(z_l), z_l = W_l h_{l−1} + U_l e(t) + C_l[c] + b_l.
    for (let l = D - 1; l >= 0; l--) {
      const ly = L.layers[l];
      const dl = this.#d[l];
      const hp = l > 0 ? this.#h[l - 1] : X;
      const inDim = ly.in;
      for (let m = 0, M = n * H; m < M; m++) dz[m] = dh[m] * dl[m];
      for (let i = 0; i < n; i++) {
        const io = i * H,
          ii = i * inDim;
        const eo = TT[i] * E;
        const row = C[i];
        for (let j = 0; j < H; j++) {
          const g = dz[io + j];
          if (g === 0) continue;
          grad[ly.b + j] += g;
          if (row >= 0) grad[ly.c + row * H + j] += g;
          const ru = ly.u + j * E;
          for (let k = 0; k < E; k++) grad[ru + k] += g * emb[eo + k];
          const r = ly.w + j * inDim;
          if (l > 0) {
            // The skip path's gradient is already in dh; add the block's path W_lᵀ dz.
            for (let k = 0; k < inDim; k++) {
              grad[r + k] += g * hp[ii + k];
              dh[io + k] += p[r + k] * g;
            }
          } else {
            for (let k = 0; k < inDim; k++) grad[r + k] += g * hp[ii + k];
          }
        }
      }
    }
    return grad;
  }

  /** A copy of this network (same config, weights and provenance). */
  clone(): MLP {
    const m = new MLP(this.cfg, null, new Float32Array(this.params));
    m.dataset = this.dataset;
    m.schedule = this.schedule;
    m.trainedSteps = this.trainedSteps;
    m.finalLoss = this.finalLoss;
    m.meta = this.meta ? { ...this.meta } : undefined;
    return m;
  }

  toJSON(info?: Partial<Pick<MLPJson, 'dataset' | 'schedule' | 'trainedSteps' | 'finalLoss' | 'meta'>> | string): MLPJson {
    const o = info && typeof info === 'object' ? info : {};
    const loss = o.finalLoss ?? this.finalLoss;
    const j: MLPJson = {
      format: MLP_FORMAT,
      cfg: { ...this.cfg },
      dataset: o.dataset ?? this.dataset,
      schedule: o.schedule ?? this.schedule,
      params: floatsToBase64(this.params),
      trainedSteps: o.trainedSteps ?? this.trainedSteps,
      finalLoss: loss === null || !Number.isFinite(loss) ? null : loss
    };
    const meta = o.meta ?? this.meta;
    if (meta) j.meta = meta;
    return j;
  }

  /** Rebuild a network from toJSON() output; throws a clear Error for malformed or mismatched files. */
  static fromJSON(j: MLPJson | unknown): MLP {
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw new Error('MLP file: expected a JSON object');
    const o = j as Record<string, unknown>;
    if (o.format !== MLP_FORMAT) throw new Error(`MLP file: unknown format ${JSON.stringify(o.format)} (expected "${MLP_FORMAT}")`);
    let cfg: MLPConfig;
    try {
      cfg = validateMLPConfig(o.cfg);
    } catch (e) {
      throw new Error(`MLP file: ${(e as Error).message}`);
    }
    if (typeof o.params !== 'string') throw new Error('MLP file: "params" must be a base64 string');
    let params: Float32Array;
    try {
      params = base64ToFloats(o.params);
    } catch (e) {
      throw new Error(`MLP file: ${(e as Error).message}`);
    }
    const need = mlpLayout(cfg).total;
    if (params.length !== need) {
      throw new Error(
        `MLP file: params hold ${params.length} numbers but the config (hidden ${cfg.hidden}, depth ${cfg.depth}, tEmbDim ${cfg.tEmbDim}, numClasses ${cfg.numClasses}) needs ${need}`
      );
    }
    for (let i = 0; i < params.length; i++) {
      if (!Number.isFinite(params[i])) throw new Error(`MLP file: parameter ${i} is ${params[i]} (weights must be finite numbers)`);
    }
    if (typeof o.schedule !== 'string' || !SCHEDULE_NAMES.includes(o.schedule as ScheduleName)) {
      throw new Error(`MLP file: unknown schedule ${JSON.stringify(o.schedule)} (expected one of ${SCHEDULE_NAMES.join(', ')})`);
    }
    if (o.dataset !== undefined && typeof o.dataset !== 'string') throw new Error('MLP file: "dataset" must be a string');
    if (o.trainedSteps !== undefined && (typeof o.trainedSteps !== 'number' || !(o.trainedSteps >= 0))) {
      throw new Error(`MLP file: "trainedSteps" must be a non-negative number, got ${JSON.stringify(o.trainedSteps)}`);
    }
    if (o.finalLoss !== undefined && o.finalLoss !== null && (typeof o.finalLoss !== 'number' || !Number.isFinite(o.finalLoss))) {
      throw new Error(`MLP file: "finalLoss" must be a finite number or null, got ${JSON.stringify(o.finalLoss)}`);
    }
    const m = new MLP(cfg, null, params);
    m.dataset = (o.dataset as string) ?? '';
    m.schedule = o.schedule as ScheduleName;
    m.trainedSteps = (o.trainedSteps as number) ?? 0;
    m.finalLoss = typeof o.finalLoss === 'number' ? o.finalLoss : NaN;
    if (o.meta && typeof o.meta === 'object') m.meta = o.meta as Record<string, unknown>;
    return m;
  }
}
