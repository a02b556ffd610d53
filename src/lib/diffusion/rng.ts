// Seeded random numbers for the whole engine. Nothing in src/lib/diffusion may call Math.random:
// every figure, test and pre-trained model is a pure function of its seeds.
//
// Generator: sfc32 (Chris Doty-Humphrey's "small fast chaotic" generator, 128-bit state, passes
// PractRand/BigCrush), its state filled from the 32-bit seed by splitmix32. It only uses 32-bit
// integer operations (Math.imul, shifts, xor, `| 0`), so it gives bit-identical streams in Node,
// every browser and Web Workers.
//
// Normals: Marsaglia's polar method (no trigonometry; one Math.log and one Math.sqrt per pair),
// caching the second value of each pair. Math.log/Math.sqrt are fdlibm-exact in V8 (Node and
// Chromium), so normals also agree bit for bit there.

const TWO_NEG_32 = 1 / 4294967296;

/** splitmix32: a 32-bit integer hash/stream, used to seed sfc32 and to derive forked seeds. */
export function splitmix32(state: number): { value: number; state: number } {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { value: z >>> 0, state };
}

/** Mix two 32-bit integers into one well-scrambled 32-bit seed. */
export function hashSeed(a: number, b: number): number {
  let h = splitmix32(a | 0).value;
  h = splitmix32((h ^ Math.imul(b | 0, 0x27d4eb2d)) | 0).value;
  return h >>> 0;
}

export class Rng {
  /** The seed this generator was built from (as an unsigned 32-bit integer). */
  readonly seed: number;
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare = 0;
  #hasSpare = false;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    // Non-integer seeds are allowed but folded into 32 bits deterministically.
    const s = (Math.floor(seed) | 0) ^ Math.floor(seed / 4294967296);
    this.seed = s >>> 0;
    let st = s;
    let r = splitmix32(st);
    this.#a = r.value | 0;
    r = splitmix32((st = r.state));
    this.#b = r.value | 0;
    r = splitmix32((st = r.state));
    this.#c = r.value | 0;
    r = splitmix32((st = r.state));
    this.#d = r.value | 0;
    // Warm up: discard the first outputs so nearby seeds decorrelate completely.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const a = this.#a,
      b = this.#b,
      c = this.#c,
      d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), with 32 random bits. */
  next(): number {
    return this.nextUint32() * TWO_NEG_32;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A uniform integer in 0..n-1 (n ≥ 1, n ≤ 2^32). Bias is below n/2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal N(0, 1) (Marsaglia polar method, second value of each pair cached). */
  normal(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spare = v * m;
    this.#hasSpare = true;
    return u * m;
  }

  /** Fill `out[0..n)` with standard normals; returns out. */
  fillNormal(out: Float32Array | Float64Array, n = out.length): Float32Array | Float64Array {
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /**
   * An independent generator for sub-stream `stream`, derived from this generator's seed only
   * (not from how far it has advanced): `new Rng(s).fork(k)` is always the same stream.
   */
  fork(stream: number): Rng {
    return new Rng(hashSeed(this.seed, (stream | 0) ^ 0x5bd1e995));
  }
}
