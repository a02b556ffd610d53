// The result a figure shows, recomputed (usually in a worker) whenever its settings change.
//  - The first request runs at once; later ones wait `debounceMs`, so dragging a slider asks once.
//  - `computing` turns on at the request itself, so controls that act on the old result (downloads)
//    are disabled during the wait as well.
//  - A newer request supersedes an older one: worker clients (workers/latest.ts) reject the stale one
//    with 'superseded', and a disposed client with 'disposed'; neither is an error for the reader.
//  - Any other failure becomes `error`, a sentence for the figure to show; the last good result stays.
import { untrack } from 'svelte';

export type Compute<Q, R> = (request: Q, progress: (fraction: number) => void) => Promise<R>;

export class LiveResult<Q, R> {
  value = $state.raw<R | null>(null);
  computing = $state(false);
  /** 0…1 while computing, for computations that report it. */
  progress = $state(0);
  error = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** `failure` completes "Could not …", e.g. 'sample'. */
  constructor(
    private compute: Compute<Q, R>,
    private failure: string,
    private debounceMs = 150
  ) {}

  request(req: Q) {
    clearTimeout(this.#timer);
    this.computing = true;
    const wait = untrack(() => this.value !== null) ? this.debounceMs : 0;
    this.#timer = setTimeout(() => void this.#run(req), wait);
  }

  async #run(req: Q) {
    this.computing = true;
    this.progress = 0;
    this.error = '';
    try {
      this.value = await this.compute(req, (p) => (this.progress = p));
      this.computing = false;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (msg === 'superseded' || msg === 'disposed') return;
      this.computing = false;
      this.error = `Could not ${this.failure}: ${msg}`;
    }
  }

  dispose() {
    clearTimeout(this.#timer);
  }
}

/** `add(point, done, total)`: a point as it finishes (null for progress without a point). */
export type ComputeSweep<Q, P> = (request: Q, add: (point: P | null, done: number, total: number) => void) => Promise<P[]>;

/**
 * A chart's worth of runs computed one after another, whose points appear as they finish: the same
 * debounce, superseding and error rules as LiveResult, plus a running clock and the time it took.
 */
export class LiveSweep<Q, P> {
  points = $state.raw<P[]>([]);
  done = $state(0);
  total = $state(0);
  computing = $state(false);
  error = $state('');
  /** Time since the current sweep began, updated five times a second while it runs. */
  elapsedMs = $state(0);
  /** How long the last complete sweep took, or null. */
  finishedMs = $state<number | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;

  constructor(
    private compute: ComputeSweep<Q, P>,
    private failure: string,
    total: number,
    private debounceMs = 200
  ) {
    this.total = total;
  }

  request(req: Q) {
    clearTimeout(this.#timer);
    const wait = untrack(() => this.points.length > 0) ? this.debounceMs : 0;
    this.#timer = setTimeout(() => void this.#run(req), wait);
  }

  async #run(req: Q) {
    this.computing = true;
    this.error = '';
    this.points = [];
    this.done = 0;
    this.finishedMs = null;
    const t0 = performance.now();
    this.elapsedMs = 0;
    clearInterval(this.#clock);
    this.#clock = setInterval(() => (this.elapsedMs = performance.now() - t0), 200);
    try {
      const all = await this.compute(req, (point, done, total) => {
        this.done = done;
        this.total = total;
        if (point) this.points = [...this.points, point];
      });
      this.points = all;
      this.done = all.length;
      this.finishedMs = performance.now() - t0;
      this.computing = false;
      clearInterval(this.#clock);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (msg === 'superseded' || msg === 'disposed') return;
      this.computing = false;
      clearInterval(this.#clock);
      this.error = `Could not ${this.failure}: ${msg}`;
    }
  }

  dispose() {
    clearTimeout(this.#timer);
    clearInterval(this.#clock);
  }
}
