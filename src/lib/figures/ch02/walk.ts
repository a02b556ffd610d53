// Chapter 2: a recorded random walk that the reader can scrub back and forth.
//
// Every step t of a walk draws its kicks from its own generator, seeded from (walk seed, t).
// So the walk is a pure function of (x0, schedule, seed): the worker walks it once from t = 0
// to T and keeps a checkpoint every `every` steps; the page regenerates any t by replaying at
// most `every - 1` steps from the checkpoint below it — the very same kicks, so scrubbing back
// and forth always shows the same particles in the same places.
//
// The maths is the engine's (walkStep, qSample, slicedWasserstein); this file only schedules it.
import { Rng, hashSeed } from '$lib/diffusion/rng';
import { walkStep, qSample } from '$lib/diffusion/forward';
import { makeSchedule, SCHEDULE_NAMES, type Schedule, type ScheduleName } from '$lib/diffusion/schedules';
import { slicedWasserstein, noiseFloor } from '$lib/diffusion/metrics';

export const T = 1000;
export { SCHEDULE_NAMES, type ScheduleName };
export const SCHEDULE_OPTIONS = [
  { value: 'linear', label: 'linear (DDPM)' },
  { value: 'cosine', label: 'cosine (improved DDPM)' },
  { value: 'scaled-linear', label: 'scaled-linear (Stable Diffusion)' }
] as const;
/** Line and mark colours, and darker variants of them for text (4.5:1 on white). */
export const SCHEDULE_STYLE: Record<ScheduleName, { color: string; text: string; dash?: string; label: string }> = {
  linear: { color: '#1d4e89', text: '#1d4e89', label: 'linear' },
  cosine: { color: '#d1700f', text: '#a85a0c', dash: '7 4', label: 'cosine' },
  'scaled-linear': { color: '#2a9d8f', text: '#1f7a6f', dash: '2 3', label: 'scaled-linear' }
};

/** Seed of the generator for step t of walk `seed`. */
export const stepSeed = (seed: number, t: number): number => hashSeed(seed, t);

/** One step of the recorded walk, in place: x_{t-1} → x_t with step t's own kicks. */
export function recordedStep(x: Float32Array, t: number, sched: Schedule, seed: number) {
  walkStep(x, t, sched, new Rng(stepSeed(seed, t)));
}

export interface WalkRequest {
  x0: Float32Array;
  sched: ScheduleName;
  seed: number;
  every: number;
  /** Indices of particles whose whole path is kept (for drawing trails). */
  track: number[];
  /** Also compare the walk with the closed-form jump (figure "Two roads"). */
  compare?: CompareSpec;
}

export interface CompareSpec {
  /** Seed of the jump's ε (one draw per point, the same for every t). */
  jumpSeed: number;
  /** Seed of the independent jumps that give the noise floor. */
  floorSeed: number;
  projSeed: number;
  projections: number;
  /** Independent pairs of jumps averaged for the noise floor. */
  floorPairs: number;
}

export interface WalkResult {
  checkpoints: Float32Array[];
  /** track.length paths, each (T + 1) × 2 interleaved. */
  paths: Float32Array[];
  ms: number;
}

export interface Measure {
  t: number;
  /** Sliced Wasserstein distance between the walked cloud and the jumped cloud at t. */
  walkVsJump: number;
  /** Mean distance between two independent jumps of the same data: what sampling noise alone gives. */
  floor: number;
}

export interface CompareCurve {
  t: number[];
  walkVsJump: number[];
  floor: number[];
}

/** Walk x0 from t = 0 to T, keeping checkpoints and the tracked particles' paths. */
export function runWalk(req: WalkRequest): WalkResult {
  const t0 = performance.now();
  const sched = makeSchedule(req.sched, T);
  const x = new Float32Array(req.x0);
  const checkpoints: Float32Array[] = [new Float32Array(x)];
  const paths = req.track.map(() => new Float32Array(2 * (T + 1)));
  const record = (t: number) => {
    req.track.forEach((i, k) => {
      paths[k][2 * t] = x[2 * i];
      paths[k][2 * t + 1] = x[2 * i + 1];
    });
  };
  record(0);
  for (let t = 1; t <= T; t++) {
    recordedStep(x, t, sched, req.seed);
    record(t);
    if (t % req.every === 0) checkpoints.push(new Float32Array(x));
  }
  return { checkpoints, paths, ms: performance.now() - t0 };
}

/**
 * The noise floor at t: the sliced Wasserstein distance between two independent closed-form
 * jumps of the same data (metrics.noiseFloor with q(x_t | x_0) as the source), averaged over pairs.
 */
export function jumpFloor(x0: Float32Array, t: number, sched: Schedule, c: CompareSpec): number {
  const n = x0.length / 2;
  let acc = 0;
  for (let p = 0; p < c.floorPairs; p++) {
    acc += noiseFloor((_, rng) => qSample(x0, t, sched, rng), n, new Rng(hashSeed(hashSeed(c.floorSeed, t), p)), c.projections);
  }
  return acc / c.floorPairs;
}

/** Compare the walked cloud at t with the jumped cloud at t. */
export function measure(x0: Float32Array, walked: Float32Array, t: number, sched: Schedule, c: CompareSpec): Measure {
  if (t === 0) return { t, walkVsJump: 0, floor: 0 };
  const jumped = qSample(x0, t, sched, new Rng(c.jumpSeed));
  return {
    t,
    walkVsJump: slicedWasserstein(walked, jumped, new Rng(c.projSeed), c.projections),
    floor: jumpFloor(x0, t, sched, c)
  };
}

/**
 * Regenerates the walk at any t from the checkpoints. Moving forward by a few steps continues
 * from the current state (one step per frame while playing); anything else restarts from the
 * nearest checkpoint below t. Output alternates between two buffers so each result is a new
 * array reference (which is what makes a Svelte prop update).
 */
export class WalkReplay {
  #cur: Float32Array;
  #curT = 0;
  #bufs: [Float32Array, Float32Array];
  #flip = 0;
  readonly sched: Schedule;

  constructor(
    readonly schedName: ScheduleName,
    readonly seed: number,
    readonly every: number,
    readonly checkpoints: Float32Array[]
  ) {
    this.sched = makeSchedule(schedName, T);
    this.#cur = new Float32Array(checkpoints[0]);
    this.#bufs = [new Float32Array(this.#cur.length), new Float32Array(this.#cur.length)];
  }

  at(t: number): Float32Array {
    t = Math.max(0, Math.min(T, Math.round(t)));
    const c = Math.min(this.checkpoints.length - 1, Math.floor(t / this.every));
    const cT = c * this.every;
    if (!(this.#curT <= t && this.#curT >= cT)) {
      this.#cur.set(this.checkpoints[c]);
      this.#curT = cT;
    }
    while (this.#curT < t) recordedStep(this.#cur, ++this.#curT, this.sched, this.seed);
    const out = this.#bufs[(this.#flip ^= 1)];
    out.set(this.#cur);
    return out;
  }
}

// ---- The walk service: runs in ch02-walk.worker.ts, or inline where workers are unavailable ----

export type ToService =
  | { type: 'walk'; id: number; req: WalkRequest }
  | { type: 'measure'; id: number; t: number };
export type FromService =
  | { type: 'walk'; id: number; result: WalkResult }
  | { type: 'curve'; id: number; curve: CompareCurve; done: boolean }
  | { type: 'measure'; id: number; m: Measure }
  | { type: 'error'; id: number; error: string };

/**
 * The message handler behind the worker. After a walk with `compare`, it measures every
 * `every`-th t in small slices (posting the growing curve), so that live `measure` requests
 * for the reader's t are answered in between.
 */
export function createWalkService(post: (msg: FromService, transfer?: Transferable[]) => void): (msg: ToService) => void {
  let job: { id: number; req: WalkRequest; sched: Schedule; replay: WalkReplay } | null = null;
  return (msg) => {
    try {
      if (msg.type === 'walk') {
        const { req } = msg;
        const result = runWalk(req);
        const sched = makeSchedule(req.sched, T);
        // Keep copies for later measurements; the originals are transferred.
        const replay = new WalkReplay(req.sched, req.seed, req.every, result.checkpoints.map((c) => new Float32Array(c)));
        job = { id: msg.id, req, sched, replay };
        post({ type: 'walk', id: msg.id, result }, [...result.checkpoints.map((c) => c.buffer), ...result.paths.map((p) => p.buffer)]);
        if (req.compare) {
          const c = req.compare;
          const curve: CompareCurve = { t: [0], walkVsJump: [0], floor: [0] };
          const mine = job;
          let t = req.every;
          const slice = () => {
            if (job !== mine) return; // superseded by a newer walk
            const m = measure(req.x0, mine.replay.at(t), t, mine.sched, c);
            curve.t.push(t);
            curve.walkVsJump.push(m.walkVsJump);
            curve.floor.push(m.floor);
            t += req.every;
            const done = t > T;
            if (done || curve.t.length % 5 === 0) post({ type: 'curve', id: msg.id, curve, done });
            if (!done) setTimeout(slice, 0);
          };
          setTimeout(slice, 0);
        }
      } else if (msg.type === 'measure') {
        if (!job || job.id !== msg.id || !job.req.compare) return;
        const m = measure(job.req.x0, job.replay.at(msg.t), msg.t, job.sched, job.req.compare);
        post({ type: 'measure', id: msg.id, m });
      }
    } catch (err) {
      post({ type: 'error', id: msg.id, error: err instanceof Error ? err.message : String(err) });
    }
  };
}

/**
 * The page's side: one worker per figure. `walk` starts a new walk (a walk still in flight is
 * cancelled by replacing the worker); `measure` asks for the comparison at t, keeping at most one
 * request in flight and always answering the latest t asked for.
 */
export class WalkRunner {
  #worker: Worker | null = null;
  #local: ((msg: ToService) => void) | null = null;
  #id = 0;
  #walking = false;
  #pending: { resolve: (r: WalkResult) => void; reject: (e: Error) => void } | null = null;
  #measuring = false;
  #wantT: number | null = null;
  oncurve: ((c: CompareCurve, done: boolean) => void) | null = null;
  onmeasure: ((m: Measure) => void) | null = null;

  #receive = (msg: FromService) => {
    if (msg.id !== this.#id) return;
    if (msg.type === 'walk') {
      this.#walking = false;
      this.#pending?.resolve(msg.result);
      this.#pending = null;
      this.#flush();
    } else if (msg.type === 'curve') {
      this.oncurve?.(msg.curve, msg.done);
    } else if (msg.type === 'measure') {
      this.#measuring = false;
      this.onmeasure?.(msg.m);
      this.#flush();
    } else if (msg.type === 'error') {
      this.#walking = false;
      this.#measuring = false;
      this.#pending?.reject(new Error(msg.error));
      this.#pending = null;
    }
  };

  #send(msg: ToService, transfer: Transferable[] = []): void {
    if (this.#local) {
      const local = this.#local;
      setTimeout(() => local(msg), 0);
      return;
    }
    if (!this.#worker) {
      try {
        this.#worker = new Worker(new URL('../../workers/ch02-walk.worker.ts', import.meta.url), { type: 'module' });
        this.#worker.onmessage = (e: MessageEvent<FromService>) => this.#receive(e.data);
        this.#worker.onerror = (e) => {
          // A worker that fails to load: do the work on this thread instead.
          e.preventDefault();
          this.#goLocal();
        };
      } catch {
        this.#goLocal();
        return this.#send(msg);
      }
    }
    this.#worker.postMessage(msg, transfer);
  }

  #lastWalk: ToService | null = null;
  #goLocal() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#local = createWalkService((m) => this.#receive(m));
    if (this.#walking && this.#lastWalk) this.#send(this.#lastWalk);
  }

  walk(req: WalkRequest): Promise<WalkResult> {
    const id = ++this.#id;
    if (this.#walking && this.#worker) {
      this.#worker.terminate();
      this.#worker = null;
    }
    this.#pending?.reject(new Error('superseded'));
    this.#walking = true;
    this.#measuring = false;
    const msg: ToService = { type: 'walk', id, req: { ...req, x0: new Float32Array(req.x0) } };
    this.#lastWalk = msg;
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#send(msg);
    });
  }

  measure(t: number) {
    this.#wantT = t;
    this.#flush();
  }

  #flush() {
    if (this.#measuring || this.#walking || this.#wantT === null) return;
    const t = this.#wantT;
    this.#wantT = null;
    this.#measuring = true;
    this.#send({ type: 'measure', id: this.#id, t });
  }

  dispose() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#local = null;
    this.#pending = null;
  }
}

/**
 * Colour bands by where each particle started: its distance from the origin, cut into `bands`
 * equal-count groups (inner end of the spiral → outer end).
 */
export function originBands(x0: Float32Array, bands: number): Uint8Array {
  const n = x0.length / 2;
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.hypot(x0[2 * i], x0[2 * i + 1]);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => r[a] - r[b]);
  const out = new Uint8Array(n);
  order.forEach((i, rank) => (out[i] = Math.min(bands - 1, Math.floor((rank * bands) / n))));
  return out;
}
/** Sequential, colour-blind-safe: centre (dark blue) → outside (orange). */
export const BAND_COLORS = ['#1d4e89', '#3a7bbf', '#5aa6a0', '#c9a227', '#d1700f'];
