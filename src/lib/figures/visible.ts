// Start work when a figure first comes into view (training, sweeps, autoplay).
/**
 * Calls `show` once, the first time `el` comes into view: within `margin` of the viewport, or with at
 * least `threshold` of it showing. Where IntersectionObserver is missing it calls `show` at once.
 * Returns a disposer.
 */
export function whenVisible(el: Element, show: () => void, opts: { margin?: string; threshold?: number } = {}): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    show();
    return () => {};
  }
  const io = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        show();
      }
    },
    { rootMargin: opts.margin ?? (opts.threshold === undefined ? '200px' : '0px'), threshold: opts.threshold ?? 0 }
  );
  io.observe(el);
  return () => io.disconnect();
}
