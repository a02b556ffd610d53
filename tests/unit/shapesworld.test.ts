import { describe, it, expect } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import {
  generate,
  sampleScene,
  renderScene,
  toBytes,
  tokenize,
  detokenize,
  splitWords,
  captionsFor,
  VOCAB,
  MAX_TOKENS,
  COLOUR_RGB,
  COLOURS,
  SHAPES,
  SIZES,
  POSITIONS,
  RELATIONS,
  shapeCoverage,
  type ColourName
} from '$lib/diffusion/shapesworld';

function nearestColour(rgb: ArrayLike<number>): ColourName {
  let best: ColourName = 'red';
  let bd = Infinity;
  for (const c of COLOURS) {
    const [r, g, b] = COLOUR_RGB[c];
    const d = (rgb[0] - r) ** 2 + (rgb[1] - g) ** 2 + (rgb[2] - b) ** 2;
    if (d < bd) [bd, best] = [d, c];
  }
  return best;
}

describe('ShapesWorld generator', () => {
  it('is deterministic by seed', () => {
    const a = generate(123);
    const b = generate(123);
    expect(a.captions).toEqual(b.captions);
    expect(a.label).toEqual(b.label);
    expect(toBytes(a.pixels)).toEqual(toBytes(b.pixels));
    expect(toBytes(generate(124).pixels)).not.toEqual(toBytes(a.pixels));
  });

  it('draws each labelled shape in its colour at its position', () => {
    for (let seed = 0; seed < 150; seed++) {
      const { label, pixels } = generate(seed);
      for (const s of label.shapes) {
        const i = Math.floor(s.y) * 64 + Math.floor(s.x);
        const px = pixels.subarray(3 * i, 3 * i + 3);
        s.rgb.forEach((v, k) => expect(px[k]).toBeCloseTo(v, 5));
        expect(nearestColour(px)).toBe(s.colour);
        // the position name matches where the shape is
        const { x, y } = s;
        const pos = x < 26 ? 'left' : x > 38 ? 'right' : y < 26 ? 'top' : y > 38 ? 'bottom' : 'centre';
        expect(pos).toBe(s.position);
      }
      // a corner is background
      expect(pixels[0]).toBeCloseTo(label.background[0], 5);
    }
  });

  it('keeps two shapes apart and on the sides the relation names', () => {
    for (let seed = 0; seed < 150; seed++) {
      const { label, pixels } = generate(seed, { count: 2 });
      const [a, b] = label.shapes;
      const rel = label.relation!;
      if (rel === 'left of') expect(a.x).toBeLessThan(b.x);
      if (rel === 'right of') expect(a.x).toBeGreaterThan(b.x);
      if (rel === 'above') expect(a.y).toBeLessThan(b.y);
      if (rel === 'below') expect(a.y).toBeGreaterThan(b.y);
      const ca = shapeCoverage(a);
      const cb = shapeCoverage(b);
      let overlap = 0;
      for (let i = 0; i < ca.length; i++) overlap += ca[i] * cb[i];
      expect(overlap).toBe(0);
      expect(pixels.length).toBe(64 * 64 * 3);
    }
  });

  it('covers every attribute value', () => {
    const seen = { shape: new Set(), colour: new Set(), size: new Set(), position: new Set(), relation: new Set() };
    for (let seed = 0; seed < 2000; seed++) {
      const l = sampleScene(seed);
      for (const s of l.shapes) {
        seen.shape.add(s.shape);
        seen.colour.add(s.colour);
        seen.size.add(s.size);
        seen.position.add(s.position);
      }
      if (l.relation) seen.relation.add(l.relation);
    }
    expect(seen.shape.size).toBe(SHAPES.length);
    expect(seen.colour.size).toBe(COLOURS.length);
    expect(seen.size.size).toBe(SIZES.length);
    expect(seen.position.size).toBe(POSITIONS.length);
    expect(seen.relation.size).toBe(RELATIONS.length);
  });

  it('writes captions that name every shape and colour and tokenise without unknown words', () => {
    for (let seed = 0; seed < 300; seed++) {
      const l = sampleScene(seed);
      const caps = captionsFor(l, 6);
      for (const c of caps) {
        for (const s of l.shapes) {
          expect(c).toContain(`${s.colour} ${s.shape}`);
        }
        const ids = tokenize(c);
        expect(ids.length).toBe(MAX_TOKENS);
        expect(Array.from(ids)).not.toContain(3);
        expect(Array.from(ids)).toContain(2);
        expect(detokenize(ids)).toBe(splitWords(c).join(' '));
      }
      // canonical caption has every attribute
      const [a] = l.shapes;
      expect(caps[0]).toContain(a.size);
    }
    // paraphrase variety across the data
    const all = new Set<string>();
    for (let seed = 0; seed < 200; seed++) captionsFor(sampleScene(seed), 4).slice(1).forEach((c) => all.add(c.split(' ').slice(0, 3).join(' ')));
    expect(all.size).toBeGreaterThan(20);
  });

  it('tokenises like CLIP: BOS, words, EOS, PAD', () => {
    expect(Array.from(tokenize(''))).toEqual([1, 2, ...new Array(MAX_TOKENS - 2).fill(0)]);
    const ids = tokenize('A small, RED circle!');
    expect(detokenize(ids)).toBe('a small red circle');
    expect(ids[0]).toBe(1);
    expect(ids[5]).toBe(2);
    expect(tokenize('zebra')[1]).toBe(3);
    const long = tokenize(new Array(40).fill('red').join(' '));
    expect(long[MAX_TOKENS - 1]).toBe(2);
  });

  it('renders the same pixels as the exported vocabulary/dataset expect', () => {
    const p = 'models/shapesworld/vocab.json';
    if (existsSync(p)) expect(JSON.parse(readFileSync(p, 'utf8')).vocab).toEqual(VOCAB);
    const img = renderScene(sampleScene(7));
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
    expect(Math.min(...img)).toBeGreaterThanOrEqual(0);
  });
});
