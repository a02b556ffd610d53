// A requestAnimationFrame loop with play/pause, shared by every animated figure.
// Figures never autoplay when the reader prefers reduced motion; pressing play still works,
// but reduced-motion figures should advance in larger, discrete steps (see `reducedMotion`).
import { prefersReducedMotion } from 'svelte/motion';

export const reducedMotion = prefersReducedMotion;

export class Player {
  playing = $state(false);
  #raf = 0;
  #last = 0;

  /** `tick(dtMs)` advances the figure; returning false stops playback (e.g. at the end). */
  constructor(private tick: (dtMs: number) => boolean | void = () => true) {}

  protected advance(dtMs: number): boolean | void {
    return this.tick(dtMs);
  }

  play() {
    if (this.playing || typeof requestAnimationFrame === 'undefined') return;
    this.playing = true;
    this.#last = performance.now();
    const loop = (now: number) => {
      if (!this.playing) return;
      const dt = Math.min(100, now - this.#last);
      this.#last = now;
      if (this.advance(dt) === false) {
        this.pause();
        return;
      }
      this.#raf = requestAnimationFrame(loop);
    };
    this.#raf = requestAnimationFrame(loop);
  }

  pause() {
    this.playing = false;
    if (typeof cancelAnimationFrame !== 'undefined') cancelAnimationFrame(this.#raf);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Start only if the reader has not asked for reduced motion. */
  autoplay() {
    if (!reducedMotion.current) this.play();
  }
}

export interface TimelineOptions {
  /** The current frame, usually a field of the figure's URL state. */
  get: () => number;
  set: (frame: number) => void;
  /** The last frame, or null while there is nothing to play yet (playback waits for it). */
  last: () => number | null;
  /** The first frame (default 0). */
  first?: number;
  /** How long playing the whole run takes at normal speed, in ms (or a function of the last frame). */
  durationMs: number | ((last: number) => number);
  /** With reduced motion the run plays as this many discrete jumps (default 10), one every `jumpMs` (500). */
  jumps?: number;
  jumpMs?: number;
  /** How far Shift+arrow steps (default a tenth of the run). */
  bigStep?: number;
}

/**
 * A Player over a frame index: the step and generation scrubbers of the sampling figures. Play runs
 * from the current frame to the last at a fixed overall speed (or in ten jumps under reduced motion),
 * starts again from the first frame when pressed at the end, and follows the reader when they move the
 * slider while it plays. `step` and `jump` serve the figure shell's arrow keys and Home/End.
 */
export class Timeline extends Player {
  #pos = 0;
  #acc = 0;
  #rewind = false;

  constructor(private o: TimelineOptions) {
    super();
  }

  get #first() {
    return this.o.first ?? 0;
  }

  override play() {
    this.#rewind = true;
    this.#acc = 0;
    this.#pos = this.o.get();
    super.play();
  }

  protected override advance(dt: number): boolean {
    const last = this.o.last();
    if (last === null) return true;
    const first = this.#first;
    let k = this.o.get();
    if (this.#rewind) {
      this.#rewind = false;
      if (k >= last) this.o.set((k = first));
    }
    if (Math.floor(this.#pos) !== k) this.#pos = k; // the reader moved the slider
    const span = Math.max(1, last - first);
    if (reducedMotion.current) {
      this.#acc += dt;
      if (this.#acc < (this.o.jumpMs ?? 500)) return true;
      this.#acc = 0;
      this.#pos = Math.min(last, k + Math.max(1, Math.round(span / (this.o.jumps ?? 10))));
    } else {
      const d = typeof this.o.durationMs === 'function' ? this.o.durationMs(last) : this.o.durationMs;
      this.#pos = Math.min(last, this.#pos + (dt * span) / Math.max(1, d));
    }
    const next = Math.floor(this.#pos);
    if (next !== k) this.o.set(next);
    return next < last;
  }

  /** The current frame; setting it (the reader dragging the scrubber) pauses playback. */
  get frame() {
    return this.o.get();
  }
  set frame(k: number) {
    this.pause();
    this.o.set(k);
  }

  /** One frame (or a big step) back or forward; pauses playback. */
  step(dir: 1 | -1, big = false) {
    this.pause();
    const last = this.o.last();
    if (last === null) return;
    const first = this.#first;
    const by = big ? (this.o.bigStep ?? Math.max(1, Math.round((last - first) / 10))) : 1;
    this.o.set(Math.max(first, Math.min(last, this.o.get() + dir * by)));
  }

  /** To the first or the last frame (Home / End); pauses playback. */
  jump(to: 'start' | 'end') {
    this.pause();
    const last = this.o.last();
    this.o.set(to === 'start' ? this.#first : (last ?? this.o.get()));
  }
}
