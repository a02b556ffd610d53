// Small helpers shared by the chapter 1 figures: the pixel ↔ model-coordinate map of the
// notation page (p ∈ [0, 1] ↔ x = 2p − 1 ∈ [−1, 1]), grey swatches, and point picking.

export const toPixel = (x: number) => (x + 1) / 2;
export const toModel = (p: number) => 2 * p - 1;
export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
export const clamp01 = (p: number) => clamp(p, 0, 1);
/** Round to hundredths, the resolution of the sliders and the URL. */
export const round2 = (v: number) => Math.round(v * 100) / 100;

/** Intensity for display: "0.25", "1", "0". */
export const fmtP = (p: number) => clamp01(p).toFixed(2);
/** Model coordinate with a proper minus sign. */
export const fmtX = (x: number) => (x < -0.005 ? '−' : '') + Math.abs(x).toFixed(2);

/** Tick labels for a Plot2D over model space that show pixel intensities. */
export const pixelTick = (v: number) => String(Number(toPixel(v).toFixed(2)));

/** CSS grey for an intensity (0 = black, 1 = white). */
export function grey(p: number): string {
  const v = Math.round(255 * clamp01(p));
  return `rgb(${v},${v},${v})`;
}

/** A plain-words name for an intensity, for screen readers and captions. */
export function greyName(p: number): string {
  const q = clamp01(p);
  if (q < 0.08) return 'black';
  if (q < 0.3) return 'dark grey';
  if (q < 0.45) return 'mid-dark grey';
  if (q <= 0.55) return 'middle grey';
  if (q < 0.7) return 'mid-light grey';
  if (q < 0.92) return 'light grey';
  return 'white';
}

/** Index of the point nearest (a, b) among the first n interleaved points, or -1. */
export function nearest(points: Float32Array, n: number, a: number, b: number): number {
  let best = -1, bd = Infinity;
  for (let i = 0; i < n; i++) {
    const dx = points[2 * i] - a, dy = points[2 * i + 1] - b;
    const d = dx * dx + dy * dy;
    if (d < bd) { bd = d; best = i; }
  }
  return best;
}

/**
 * Keyboard navigation through a point cloud: the next point from `from` in direction (dx, dy).
 * Among points ahead of the current one, pick the closest, penalising sideways distance so
 * that arrow keys move roughly along the arrow; `minAlong` makes bigger jumps (Shift).
 * Returns `from` if nothing lies that way.
 */
export function stepInDirection(points: Float32Array, n: number, from: number, dx: number, dy: number, minAlong = 0): number {
  const ax = points[2 * from], ay = points[2 * from + 1];
  let best = from, bc = Infinity;
  for (let i = 0; i < n; i++) {
    if (i === from) continue;
    const ux = points[2 * i] - ax, uy = points[2 * i + 1] - ay;
    const along = ux * dx + uy * dy;
    if (along <= Math.max(1e-6, minAlong)) continue;
    const side = ux * -dy + uy * dx;
    const cost = along * along + 4 * side * side;
    if (cost < bc) { bc = cost; best = i; }
  }
  return best;
}
