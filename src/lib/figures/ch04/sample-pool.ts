// A small pool of sampling workers (src/lib/workers/ch04-sample.worker.ts) for chapter 4.
//
// A run of n particles is cut into CHUNKS fixed chunks, each with its own random stream
// (Rng(seed).fork(chunk)), and the chunks are spread over up to two workers: on a 2-core machine
// that halves the wall time, and the result is the same whatever the number of workers. The
// chunks' trajectories are merged into one Float32Array, frame f at offset 2n·f, which is what
// the figure scrubs (1,001 frames × 2,000 particles = 16 MB).
//
// `run(req)` supersedes any run still in flight: its workers are terminated (their answers
// would be stale) and the promise rejects with 'superseded'.
import type { SamplerKind, Spacing } from '$lib/diffusion/samplers';
import type { ScheduleName } from '$lib/diffusion/schedules';
import type { BuiltinDatasetName } from '$lib/diffusion/datasets';

/** Particles are split into this many chunks (a fixed number, so results do not depend on the worker count). */
export const CHUNKS = 2;

export interface RunRequest {
  sampler: SamplerKind;
  denoiser: 'learned' | 'ideal';
  /** MLP JSON of the learned denoiser (with a key that changes when the weights do). */
  model?: unknown;
  modelKey?: string;
  dataset: BuiltinDatasetName;
  /** Ideal denoiser: size and seed of its dataset. */
  idealN: number;
  dataSeed: number;
  schedule: ScheduleName;
  T: number;
  n: number;
  seed: number;
  steps: number;
  spacing?: Spacing;
  variance?: 'posterior' | 'beta';
  eta?: number;
  recordEvery: number;
  x0Pred?: boolean;
}

export interface ChunkRequest extends Omit<RunRequest, 'n' | 'modelKey'> {
  n: number;
  chunk: number;
  modelKey: string;
}

export interface ChunkResult {
  chunk: number;
  n: number;
  frames: Float32Array;
  x0: Float32Array | null;
  t: Int32Array;
  nfe: number;
  ms: number;
}

export interface Run {
  n: number;
  /** Number of recorded frames F; frame f holds all n particles at t[f]. */
  frameCount: number;
  /** F × 2n floats. */
  frames: Float32Array;
  /** With x0Pred: the x̂_0 prediction at each frame, F × 2n floats. */
  x0: Float32Array | null;
  t: Int32Array;
  nfe: number;
  /** Wall time of the run as seen by the page (ms). */
  ms: number;
  req: RunRequest;
}

/** Sizes of the CHUNKS chunks of n particles. */
export function chunkSizes(n: number, chunks = CHUNKS): number[] {
  const out: number[] = [];
  for (let c = 0; c < chunks; c++) out.push(Math.floor(((c + 1) * n) / chunks) - Math.floor((c * n) / chunks));
  return out;
}

/** Merge chunk trajectories (each F × 2m_c) into one F × 2n array, chunks in order within each frame. */
export function mergeFrames(parts: Array<{ n: number; frames: Float32Array }>, frameCount: number): Float32Array {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const out = new Float32Array(frameCount * 2 * n);
  let off = 0;
  for (const p of parts) {
    const m = 2 * p.n;
    for (let f = 0; f < frameCount; f++) out.set(p.frames.subarray(f * m, (f + 1) * m), f * 2 * n + off);
    off += m;
  }
  return out;
}

export class SamplePool {
  #workers: Worker[] = [];
  #busy = false;
  #id = 0;
  #reject: ((e: Error) => void) | null = null;
  readonly size: number;

  constructor(size = Math.max(1, Math.min(CHUNKS, (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2))) {
    this.size = size;
  }

  #spawn(): Worker {
    return new Worker(new URL('../../workers/ch04-sample.worker.ts', import.meta.url), { type: 'module' });
  }

  #kill() {
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
  }

  run(req: RunRequest, onprogress?: (fraction: number) => void): Promise<Run> {
    if (this.#busy) {
      this.#kill();
      this.#reject?.(new Error('superseded'));
      this.#reject = null;
    }
    while (this.#workers.length < this.size) this.#workers.push(this.#spawn());
    const id = ++this.#id;
    this.#busy = true;
    const sizes = chunkSizes(req.n);
    const t0 = performance.now();
    const done = new Array(sizes.length).fill(0);
    const results: ChunkResult[] = [];
    return new Promise<Run>((resolve, reject) => {
      this.#reject = reject;
      const fail = (msg: string) => {
        if (id !== this.#id) return;
        this.#busy = false;
        this.#reject = null;
        this.#kill();
        reject(new Error(msg));
      };
      // Chunk c of run `id` travels under message id id·CHUNKS + c.
      const onmessage = (e: MessageEvent) => {
        const d = e.data;
        const c = d.id - id * CHUNKS;
        if (!(c >= 0 && c < sizes.length)) return;
        if (d.progress) {
          done[c] = (d.progress[0] / d.progress[1]) * sizes[c];
          onprogress?.(done.reduce((s, v) => s + v, 0) / req.n);
          return;
        }
        if (d.error) return fail(d.error);
        results.push(d.result as ChunkResult);
        if (results.length < sizes.length || id !== this.#id) return;
        this.#busy = false;
        this.#reject = null;
        results.sort((x, y) => x.chunk - y.chunk);
        const F = results[0].t.length;
        const frames = mergeFrames(results.map((r) => ({ n: r.n, frames: r.frames })), F);
        const x0 = results[0].x0 ? mergeFrames(results.map((r) => ({ n: r.n, frames: r.x0! })), F) : null;
        resolve({ n: req.n, frameCount: F, frames, x0, t: results[0].t, nfe: results[0].nfe, ms: performance.now() - t0, req });
      };
      for (const w of this.#workers) {
        w.onmessage = onmessage;
        w.onerror = (e) => fail(e.message || 'The sampling worker failed.');
      }
      sizes.forEach((m, c) => {
        const chunkReq: ChunkRequest = { ...req, n: m, chunk: c, modelKey: req.modelKey ?? 'model' };
        if (req.denoiser !== 'learned') delete chunkReq.model;
        this.#workers[c % this.#workers.length].postMessage({ id: id * CHUNKS + c, req: chunkReq });
      });
    });
  }

  dispose() {
    this.#kill();
    this.#reject?.(new Error('disposed'));
    this.#reject = null;
    this.#busy = false;
  }
}
