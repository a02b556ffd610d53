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
  constructor(private tick: (dtMs: number) => boolean | void) {}

  play() {
    if (this.playing || typeof requestAnimationFrame === 'undefined') return;
    this.playing = true;
    this.#last = performance.now();
    const loop = (now: number) => {
      if (!this.playing) return;
      const dt = Math.min(100, now - this.#last);
      this.#last = now;
      if (this.tick(dt) === false) {
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
