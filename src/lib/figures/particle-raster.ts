// Software rasteriser for large particle clouds. Filling 10,000 little rectangles through the 2D
// canvas path API is cheap to *build* but slow to *rasterise* where the canvas has no GPU (software
// compositing, as in headless Chromium and many school laptops): each rect is a separate polygon.
// Writing the squares straight into one ImageData and blitting it is a single image copy instead.
// Blending: one colour per pixel (the last group drawn there) and the alpha of k overlapping
// particles 1 − (1 − α)^k, which is exactly what source-over gives for one colour.

export interface RasterJob {
  points: Float32Array;
  n: number;
  labels: Uint8Array | null;
  /** Colours as [r, g, b] per group (one group when labels is null). */
  rgb: [number, number, number][];
  /** Map data → CSS pixels: px = x·ax + bx, py = y·ay + by. */
  ax: number;
  bx: number;
  ay: number;
  by: number;
  /** Half the square's side, CSS pixels. */
  radius: number;
  alpha: number;
}

export class ParticleRaster {
  #canvas: HTMLCanvasElement | OffscreenCanvas | null = null;
  #ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;
  #image: ImageData | null = null;

  /** Draw the job onto ctx (whose transform maps CSS pixels to device pixels, as Plot2D sets it). */
  draw(ctx: CanvasRenderingContext2D, job: RasterJob): void {
    const m = ctx.getTransform();
    // On high-density screens rasterise at a whole fraction of the device resolution and scale the
    // image up without smoothing: at 2 device pixels per CSS pixel that is a quarter of the pixels to
    // clear, fill and upload, and the squares look the same.
    const f = Math.max(1, Math.floor(m.a + 1e-6));
    const W = Math.ceil(ctx.canvas.width / f), H = Math.ceil(ctx.canvas.height / f);
    const s = m.a / f;
    if (!this.#canvas || this.#canvas.width !== W || this.#canvas.height !== H) {
      this.#canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(W, H) : Object.assign(document.createElement('canvas'), { width: W, height: H });
      this.#ctx = this.#canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
      this.#image = this.#ctx.createImageData(W, H);
    }
    const img = this.#image!;
    const d = img.data;
    d.fill(0);
    const { points, n, labels, rgb, radius, alpha } = job;
    // Device-pixel affine map and square size (at least one pixel).
    const ax = job.ax * s, bx = job.bx * s + m.e / f, ay = job.ay * s, by = job.by * s + m.f / f;
    const side = Math.max(1, Math.round(2 * radius * s));
    const half = side / 2;
    const keep = 1 - alpha;
    const add = 255 * alpha;
    let x0 = W, y0 = H, x1 = 0, y1 = 0;
    for (let i = 0; i < n; i++) {
      const g = labels ? labels[i] : 0;
      const c = rgb[g] ?? rgb[0];
      const cx = points[2 * i] * ax + bx, cy = points[2 * i + 1] * ay + by;
      if (!(cx > -side && cx < W + side && cy > -side && cy < H + side)) continue; // also skips NaN
      const px = Math.round(cx - half), py = Math.round(cy - half);
      const qx = Math.min(W, px + side), qy = Math.min(H, py + side);
      for (let yy = Math.max(0, py); yy < qy; yy++) {
        let k = (yy * W + Math.max(0, px)) * 4;
        for (let xx = Math.max(0, px); xx < qx; xx++, k += 4) {
          d[k] = c[0];
          d[k + 1] = c[1];
          d[k + 2] = c[2];
          d[k + 3] = add + d[k + 3] * keep;
        }
      }
      if (px < x0) x0 = px;
      if (py < y0) y0 = py;
      if (qx > x1) x1 = qx;
      if (qy > y1) y1 = qy;
    }
    x0 = Math.max(0, x0); y0 = Math.max(0, y0);
    if (x1 <= x0 || y1 <= y0) return;
    // Copy only the touched rectangle.
    this.#ctx!.putImageData(img, 0, 0, x0, y0, x1 - x0, y1 - y0);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.#canvas as CanvasImageSource, x0, y0, x1 - x0, y1 - y0, x0 * f, y0 * f, (x1 - x0) * f, (y1 - y0) * f);
    ctx.restore();
  }
}

/** '#rrggbb' / '#rgb' / 'rgb(r, g, b)' → [r, g, b] (black if unparsable). */
export function parseRgb(css: string): [number, number, number] {
  const m = /rgba?\((\d+)[,\s]+(\d+)[,\s]+(\d+)/.exec(css);
  if (m) return [+m[1], +m[2], +m[3]];
  let h = css.trim().replace('#', '');
  if (h.length === 3) h = h.split('').map((c) => c + c).join('');
  if (!/^[0-9a-f]{6}$/i.test(h)) return [0, 0, 0];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}
