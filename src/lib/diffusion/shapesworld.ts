// ShapesWorld: a tiny, fully specified world of 64×64 RGB pictures of one or two flat shapes,
// each with a caption and complete attribute labels. It is the training data of the mini
// text-to-image stack in models/shapesworld/ (mini-CLIP, mini-VAE, mini-UNet), and the pages use
// the very same generator, so what a figure draws is exactly what the models were trained on.
//
// Everything is a pure function of an integer seed: no DOM, no Math.random. Shapes are rasterised
// here with 4×4 supersampling per pixel (anti-aliased edges), composited over a dark background.
//
// The word-level tokenizer of the mini-CLIP text encoder lives here too (VOCAB, tokenize), so the
// exported vocab file, the dataset's token ids and the browser pipeline share one definition.

export const IMAGE_SIZE = 64;
export const CHANNELS = 3;

export const SHAPES = ['circle', 'square', 'triangle', 'star'] as const;
export type ShapeKind = (typeof SHAPES)[number];

export const COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;
export type ColourName = (typeof COLOURS)[number];

/** sRGB in [0, 1] for each colour name. */
export const COLOUR_RGB: Record<ColourName, [number, number, number]> = {
  red: [0.9, 0.15, 0.15],
  orange: [1.0, 0.55, 0.1],
  yellow: [0.98, 0.9, 0.2],
  green: [0.2, 0.75, 0.25],
  blue: [0.2, 0.4, 0.95],
  purple: [0.65, 0.3, 0.85]
};

export const SIZES = ['small', 'large'] as const;
export type SizeName = (typeof SIZES)[number];
/** Nominal radius in pixels (circle radius; other shapes are scaled to a similar footprint). */
export const SIZE_RADIUS: Record<SizeName, number> = { small: 6.5, large: 11 };

export const POSITIONS = ['left', 'right', 'top', 'bottom', 'centre'] as const;
export type PositionName = (typeof POSITIONS)[number];
export const POSITION_XY: Record<PositionName, [number, number]> = {
  left: [17, 32],
  right: [47, 32],
  top: [32, 17],
  bottom: [32, 47],
  centre: [32, 32]
};

/** Relation of the FIRST shape to the SECOND: "a red circle left of a blue square". */
export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
export type Relation = (typeof RELATIONS)[number];

export const BACKGROUND: [number, number, number] = [0.1, 0.11, 0.14];

export interface ShapeLabel {
  shape: ShapeKind;
  colour: ColourName;
  size: SizeName;
  position: PositionName;
  /** Centre in pixel coordinates (x to the right, y down; pixel i covers [i, i+1)). */
  x: number;
  y: number;
  /** Radius in pixels actually drawn (nominal radius with a little jitter). */
  r: number;
  /** The RGB actually drawn (the named colour with a small brightness jitter). */
  rgb: [number, number, number];
}

export interface SceneLabel {
  seed: number;
  /** One or two shapes; with two, `relation` describes shapes[0] relative to shapes[1]. */
  shapes: ShapeLabel[];
  relation: Relation | null;
  background: [number, number, number];
}

export interface ShapesWorldSample {
  seed: number;
  label: SceneLabel;
  /** Canonical caption first, then paraphrases. */
  captions: string[];
  /** HWC, RGB, values in [0, 1]; length 64·64·3. */
  pixels: Float32Array;
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32 after hashing the seed: a small, fast, well-mixed 32-bit PRNG. */
export function rng(seed: number): () => number {
  let a = hash32(seed >>> 0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length) % xs.length];
}

function uniform(r: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * r();
}

// ---------------------------------------------------------------------------------------------
// Scenes

export interface SceneOptions {
  /** Probability of a single-shape scene (else two shapes with a relation). Default 0.4. */
  pSingle?: number;
  /** Force the number of shapes. */
  count?: 1 | 2;
}

/** Sample the attributes of a scene from a seed (no pixels). */
export function sampleScene(seed: number, opts: SceneOptions = {}): SceneLabel {
  const r = rng(seed);
  const pSingle = opts.pSingle ?? 0.4;
  const count = opts.count ?? (r() < pSingle ? 1 : 2);
  const background: [number, number, number] = BACKGROUND.map((c) => c + uniform(r, -0.03, 0.03)) as [
    number,
    number,
    number
  ];
  const makeShape = (position: PositionName, cx: number, cy: number, jx: number, jy: number): ShapeLabel => {
    const shape = pick(r, SHAPES);
    const colour = pick(r, COLOURS);
    const size = pick(r, SIZES);
    const k = uniform(r, 0.95, 1.05);
    return {
      shape,
      colour,
      size,
      position,
      x: cx + uniform(r, -jx, jx),
      y: cy + uniform(r, -jy, jy),
      r: SIZE_RADIUS[size] * uniform(r, 0.96, 1.04),
      rgb: COLOUR_RGB[colour].map((c) => Math.min(1, c * k)) as [number, number, number]
    };
  };
  if (count === 1) {
    const position = pick(r, POSITIONS);
    const [cx, cy] = POSITION_XY[position];
    return { seed, shapes: [makeShape(position, cx, cy, 2, 2)], relation: null, background };
  }
  const relation = pick(r, RELATIONS);
  // shapes[0] sits on the side named by the relation, shapes[1] on the opposite side.
  const horizontal = relation === 'left of' || relation === 'right of';
  const firstPos: PositionName =
    relation === 'left of' ? 'left' : relation === 'right of' ? 'right' : relation === 'above' ? 'top' : 'bottom';
  const opposite: Record<PositionName, PositionName> = {
    left: 'right',
    right: 'left',
    top: 'bottom',
    bottom: 'top',
    centre: 'centre'
  };
  const secondPos = opposite[firstPos];
  // Jitter less along the relation's axis (so the shapes never overlap), more across it.
  const [jx, jy] = horizontal ? [1.5, 3] : [3, 1.5];
  const [ax, ay] = POSITION_XY[firstPos];
  const [bx, by] = POSITION_XY[secondPos];
  const a = makeShape(firstPos, ax, ay, jx, jy);
  const b = makeShape(secondPos, bx, by, jx, jy);
  return { seed, shapes: [a, b], relation, background };
}

// ---------------------------------------------------------------------------------------------
// Rasterisation

/** Polygon vertices (pixel coordinates) of a shape; null for the circle. */
export function shapePolygon(s: Pick<ShapeLabel, 'shape' | 'x' | 'y' | 'r'>): [number, number][] | null {
  const { x, y, r } = s;
  switch (s.shape) {
    case 'circle':
      return null;
    case 'square': {
      const h = r * 0.89; // same area as the circle
      return [
        [x - h, y - h],
        [x + h, y - h],
        [x + h, y + h],
        [x - h, y + h]
      ];
    }
    case 'triangle': {
      // Equilateral, pointing up, centred on its centroid.
      const R = r * 1.25;
      return [0, 1, 2].map((k) => {
        const a = -Math.PI / 2 + (k * 2 * Math.PI) / 3;
        return [x + R * Math.cos(a), y + R * Math.sin(a) + R * 0.1] as [number, number];
      });
    }
    case 'star': {
      const R = r * 1.2;
      const ri = R * 0.45;
      const pts: [number, number][] = [];
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const rr = k % 2 === 0 ? R : ri;
        pts.push([x + rr * Math.cos(a), y + rr * Math.sin(a) + R * 0.05]);
      }
      return pts;
    }
  }
}

function insidePolygon(px: number, py: number, poly: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Coverage in [0, 1] of each pixel by the shape, 4×4 supersampled; length size·size. */
export function shapeCoverage(s: Pick<ShapeLabel, 'shape' | 'x' | 'y' | 'r'>, size = IMAGE_SIZE, ss = 4): Float32Array {
  const cov = new Float32Array(size * size);
  const poly = shapePolygon(s);
  const ext = s.r * 1.3 + 1;
  const x0 = Math.max(0, Math.floor(s.x - ext));
  const x1 = Math.min(size - 1, Math.ceil(s.x + ext));
  const y0 = Math.max(0, Math.floor(s.y - ext));
  const y1 = Math.min(size - 1, Math.ceil(s.y + ext));
  const r2 = s.r * s.r;
  const w = 1 / (ss * ss);
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      let c = 0;
      for (let sy = 0; sy < ss; sy++) {
        const qy = py + (sy + 0.5) / ss;
        for (let sx = 0; sx < ss; sx++) {
          const qx = px + (sx + 0.5) / ss;
          if (poly === null) {
            const dx = qx - s.x;
            const dy = qy - s.y;
            if (dx * dx + dy * dy <= r2) c++;
          } else if (insidePolygon(qx, qy, poly)) c++;
        }
      }
      cov[py * size + px] = c * w;
    }
  }
  return cov;
}

/** Draw a scene: HWC float RGB in [0, 1]. */
export function renderScene(label: SceneLabel, size = IMAGE_SIZE): Float32Array {
  const out = new Float32Array(size * size * 3);
  const [br, bg, bb] = label.background;
  for (let i = 0; i < size * size; i++) {
    out[3 * i] = br;
    out[3 * i + 1] = bg;
    out[3 * i + 2] = bb;
  }
  for (const s of label.shapes) {
    const cov = shapeCoverage(s, size);
    const [r, g, b] = s.rgb;
    for (let i = 0; i < size * size; i++) {
      const a = cov[i];
      if (a === 0) continue;
      out[3 * i] = out[3 * i] * (1 - a) + r * a;
      out[3 * i + 1] = out[3 * i + 1] * (1 - a) + g * a;
      out[3 * i + 2] = out[3 * i + 2] * (1 - a) + b * a;
    }
  }
  return out;
}

/** HWC float [0,1] → HWC bytes (rounded). */
export function toBytes(pixels: Float32Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(pixels[i] * 255)));
  return out;
}

/** HWC float [0,1] → RGBA bytes for an ImageData / canvas. */
export function toRGBA(pixels: Float32Array, size = IMAGE_SIZE): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    out[4 * i] = pixels[3 * i] * 255;
    out[4 * i + 1] = pixels[3 * i + 1] * 255;
    out[4 * i + 2] = pixels[3 * i + 2] * 255;
    out[4 * i + 3] = 255;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Captions

const SIZE_WORDS: Record<SizeName, string[]> = { small: ['small', 'little', 'tiny'], large: ['large', 'big'] };
const POSITION_PHRASES: Record<PositionName, string[]> = {
  left: ['on the left', 'at the left', 'on the left side'],
  right: ['on the right', 'at the right', 'on the right side'],
  top: ['at the top', 'near the top', 'at the top of the image'],
  bottom: ['at the bottom', 'near the bottom', 'at the bottom of the image'],
  centre: ['in the centre', 'in the center', 'in the middle']
};
const RELATION_PHRASES: Record<Relation, string[]> = {
  'left of': ['left of', 'to the left of', 'on the left of'],
  'right of': ['right of', 'to the right of', 'on the right of'],
  above: ['above', 'over'],
  below: ['below', 'under', 'beneath']
};
const INVERSE: Record<Relation, Relation> = {
  'left of': 'right of',
  'right of': 'left of',
  above: 'below',
  below: 'above'
};
const PREFIXES = ['', '', '', 'a picture of ', 'an image of ', 'a photo of '];

function article(nextWord: string): string {
  return /^[aeiou]/.test(nextWord) ? 'an' : 'a';
}

/** "a small red circle" (size optional). */
function nounPhrase(s: ShapeLabel, sizeWord: string | null): string {
  const words = [sizeWord, s.colour, s.shape].filter((w): w is string => !!w);
  return `${article(words[0])} ${words.join(' ')}`;
}

/** The canonical caption: every attribute, first listed synonym. */
export function canonicalCaption(label: SceneLabel): string {
  const [a, b] = label.shapes;
  if (!b) return `${nounPhrase(a, a.size)} ${POSITION_PHRASES[a.position][0]}`;
  return `${nounPhrase(a, a.size)} ${label.relation} ${nounPhrase(b, b.size)}`;
}

/** One random paraphrase; may leave out size or position, use synonyms, or swap the order. */
export function paraphrase(label: SceneLabel, r: () => number): string {
  const sizeWord = (s: ShapeLabel) => (r() < 0.75 ? pick(r, SIZE_WORDS[s.size]) : null);
  const prefix = pick(r, PREFIXES);
  const [a, b] = label.shapes;
  if (!b) {
    const np = nounPhrase(a, sizeWord(a));
    const pos = r() < 0.75 ? ' ' + pick(r, POSITION_PHRASES[a.position]) : '';
    return prefix + np + pos;
  }
  const rel = label.relation as Relation;
  const [first, second, relation] = r() < 0.5 ? [a, b, rel] : [b, a, INVERSE[rel]];
  return `${prefix}${nounPhrase(first, sizeWord(first))} ${pick(r, RELATION_PHRASES[relation])} ${nounPhrase(
    second,
    sizeWord(second)
  )}`;
}

/** Canonical caption followed by `n − 1` paraphrases, deterministic by the scene's seed. */
export function captionsFor(label: SceneLabel, n = 4): string[] {
  const r = rng(label.seed ^ 0x5eed5eed);
  const out = [canonicalCaption(label)];
  for (let i = 1; i < n; i++) out.push(paraphrase(label, r));
  return out;
}

/** The complete sample for a seed: attributes, captions and pixels. */
export function generate(seed: number, opts: SceneOptions = {}, nCaptions = 4): ShapesWorldSample {
  const label = sampleScene(seed, opts);
  return { seed, label, captions: captionsFor(label, nCaptions), pixels: renderScene(label) };
}

// ---------------------------------------------------------------------------------------------
// Tokenizer (word level, for the mini-CLIP text encoder)

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const UNK = '<unk>';
export const MAX_TOKENS = 20;

const WORDS = [
  'a', 'an', 'the', 'of', 'picture', 'image', 'photo',
  ...SIZES, 'little', 'tiny', 'big',
  ...COLOURS,
  ...SHAPES,
  'left', 'right', 'top', 'bottom', 'centre', 'center', 'middle', 'side',
  'on', 'at', 'in', 'near', 'to', 'above', 'over', 'below', 'under', 'beneath', 'and'
];

/** Token id = index: PAD 0, BOS 1, EOS 2, UNK 3, then the words. */
export const VOCAB: string[] = [PAD, BOS, EOS, UNK, ...Array.from(new Set(WORDS))];

export const TOKENIZER_RULES = {
  lowercase: true,
  split: "runs of [a-z0-9]+ after lower-casing; everything else (spaces, punctuation) separates words and is dropped",
  bos: 1,
  eos: 2,
  pad: 0,
  unk: 3,
  maxLength: MAX_TOKENS,
  truncation: 'keep BOS + the first maxLength−2 words + EOS',
  padding: 'PAD (id 0) after EOS up to maxLength'
} as const;

const WORD_ID = new Map(VOCAB.map((w, i) => [w, i]));

export function splitWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** Token ids of a prompt, padded to `maxLength`: [BOS, w…, EOS, PAD…]. The empty prompt is [BOS, EOS, PAD…]. */
export function tokenize(text: string, maxLength = MAX_TOKENS): Int32Array {
  const ids = new Int32Array(maxLength); // PAD = 0
  const words = splitWords(text).slice(0, maxLength - 2);
  ids[0] = 1;
  words.forEach((w, i) => (ids[i + 1] = WORD_ID.get(w) ?? 3));
  ids[words.length + 1] = 2;
  return ids;
}

export function detokenize(ids: ArrayLike<number>): string {
  const words: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === 1 || id === 0) continue;
    if (id === 2) break;
    words.push(VOCAB[id] ?? UNK);
  }
  return words.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Dataset splits: disjoint seed ranges, so held-out images are never seen in training.

export const SPLITS = {
  train: { start: 0, count: 30000 },
  heldout: { start: 10_000_000, count: 2000 }
} as const;
export type SplitName = keyof typeof SPLITS;
