// A toy family of 8×8 greyscale pictures for "what changes with n pixels": a disc, a ring,
// a bar or an edge, light on dark or dark on light. Every picture in the family is fixed by at
// most five numbers (a position or angle, a size, two brightnesses), so the whole family is a
// thin, at most five-dimensional shape inside the 64-dimensional space of 8×8 images.
// Shapes are drawn with anti-aliased edges and a slight fixed blur, as a small soft camera would.
// Pixels are intensities p ∈ [0, 1], row-major, row 0 at the top.
import type { Rng } from '$lib/diffusion/rng';

export const SIDE = 8;
export const D = SIDE * SIDE;

export type Kind = 'disc' | 'ring' | 'bar' | 'edge';

export interface TinyImage {
  pixels: Float32Array;
  kind: Kind | 'noise';
  /** Plain-words description, e.g. "a light disc on a dark background". */
  description: string;
  /** The numbers that fix this picture, for display. */
  knobs: { name: string; value: string }[];
  /** How many numbers that is (a centre counts as two). */
  count: number;
}

const SUB = 4; // 4×4 samples per pixel: soft, anti-aliased edges

function render(inside: (u: number, v: number) => boolean, fg: number, bg: number): Float32Array {
  const out = new Float32Array(D);
  for (let r = 0; r < SIDE; r++)
    for (let c = 0; c < SIDE; c++) {
      let hit = 0;
      for (let a = 0; a < SUB; a++)
        for (let b = 0; b < SUB; b++) if (inside(c + (b + 0.5) / SUB, r + (a + 0.5) / SUB)) hit++;
      const cover = hit / (SUB * SUB);
      out[r * SIDE + c] = bg + (fg - bg) * cover;
    }
  return soften(out);
}

/** A slight blur (1-4-1 filter across rows, then columns; edges repeated), like a soft lens. */
function soften(img: Float32Array): Float32Array {
  const tmp = new Float32Array(D), out = new Float32Array(D);
  const at = (a: Float32Array, r: number, c: number) =>
    a[Math.min(SIDE - 1, Math.max(0, r)) * SIDE + Math.min(SIDE - 1, Math.max(0, c))];
  for (let r = 0; r < SIDE; r++)
    for (let c = 0; c < SIDE; c++) tmp[r * SIDE + c] = (at(img, r, c - 1) + 4 * at(img, r, c) + at(img, r, c + 1)) / 6;
  for (let r = 0; r < SIDE; r++)
    for (let c = 0; c < SIDE; c++) out[r * SIDE + c] = (at(tmp, r - 1, c) + 4 * at(tmp, r, c) + at(tmp, r + 1, c)) / 6;
  return out;
}

const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);

/** One picture from the family; `kind` is drawn at random unless given. */
export function structuredImage(rng: Rng, kind?: Kind): TinyImage {
  const kinds: Kind[] = ['disc', 'ring', 'bar', 'edge'];
  const k = kind ?? kinds[rng.int(kinds.length)];
  // Brightnesses: a light shape on a dark ground, or (one time in three) the reverse.
  let fg = 0.72 + 0.28 * rng.next(), bg = 0.3 * rng.next();
  const inverted = rng.next() < 1 / 3;
  if (inverted) [fg, bg] = [bg, fg];
  const tone = inverted ? 'a dark' : 'a light';
  const ground = inverted ? 'light' : 'dark';
  const shade = [
    { name: 'shape brightness', value: f2(fg) },
    { name: 'background', value: f2(bg) }
  ];
  if (k === 'disc' || k === 'ring') {
    const cx = 2 + 4 * rng.next(), cy = 2 + 4 * rng.next();
    const rad = k === 'disc' ? 1.3 + 1.7 * rng.next() : 1.8 + 1.2 * rng.next();
    const inside =
      k === 'disc'
        ? (u: number, v: number) => (u - cx) ** 2 + (v - cy) ** 2 < rad * rad
        : (u: number, v: number) => Math.abs(Math.hypot(u - cx, v - cy) - rad) < 0.7;
    return {
      pixels: render(inside, fg, bg),
      kind: k,
      description: `${tone} ${k} on a ${ground} background`,
      knobs: [{ name: 'centre', value: `(${f1(cx)}, ${f1(cy)})` }, { name: 'radius', value: f1(rad) }, ...shade],
      count: 5
    };
  }
  const angle = Math.PI * rng.next() * (k === 'edge' ? 2 : 1);
  const off = -2 + 4 * rng.next();
  const ca = Math.cos(angle), sa = Math.sin(angle);
  const along = (u: number, v: number) => (u - 4) * ca + (v - 4) * sa - off;
  if (k === 'bar') {
    const w = 1 + 1.4 * rng.next();
    return {
      pixels: render((u, v) => Math.abs(along(u, v)) < w / 2, fg, bg),
      kind: k,
      description: `${tone} bar on a ${ground} background`,
      knobs: [
        { name: 'angle', value: `${Math.round((angle * 180) / Math.PI)}°` },
        { name: 'offset', value: f1(off) },
        { name: 'width', value: f1(w) },
        ...shade
      ],
      count: 5
    };
  }
  return {
    pixels: render((u, v) => along(u, v) > 0, fg, bg),
    kind: k,
    description: `an edge between ${inverted ? 'dark and light' : 'light and dark'}`,
    knobs: [{ name: 'angle', value: `${Math.round((angle * 180) / Math.PI)}°` }, { name: 'offset', value: f1(off) }, ...shade],
    count: 4
  };
}

/** A uniformly random image: 64 independent intensities. */
export function randomImage(rng: Rng): TinyImage {
  const pixels = new Float32Array(D);
  for (let i = 0; i < D; i++) pixels[i] = rng.next();
  return { pixels, kind: 'noise', description: '64 independent random intensities', knobs: [], count: D };
}
