// Datasets: shapes, sizes, labels, determinism, and sampling along drawn strokes.
import { describe, expect, it } from 'vitest';
import { DATASETS, SPIRAL, datasetFromStrokes, makeDataset, type BuiltinDatasetName } from '$lib/diffusion/datasets';
import { meanCov } from '$lib/diffusion/metrics';

const names: BuiltinDatasetName[] = ['spiral', 'moons', 'checkerboard', 'gmm', 'spiral3'];

describe('datasets', () => {
  it('are deterministic, the right size, inside [−1, 1]², with consistent labels', () => {
    for (const name of names) {
      const d = makeDataset(name, 3000, 7);
      expect(d.points.length).toBe(6000);
      expect(d.n).toBe(3000);
      expect(Array.from(makeDataset(name, 3000, 7).points)).toEqual(Array.from(d.points));
      expect(Array.from(makeDataset(name, 3000, 8).points)).not.toEqual(Array.from(d.points));
      let out = 0;
      for (const v of d.points) if (Math.abs(v) > 1) out++;
      expect(out, name).toBeLessThan(3); // only noise tails may poke out
      if (d.labels) {
        expect(d.classNames?.length).toBe(d.numClasses);
        for (const l of d.labels) expect(l).toBeLessThan(d.numClasses);
      } else expect(d.numClasses).toBe(0);
    }
    expect(DATASETS.map((d) => d.name)).toEqual([...names, 'drawn']);
    expect(() => makeDataset('swirl' as BuiltinDatasetName, 10, 1)).toThrow(/unknown dataset/);
  });

  it('spiral: one arm whose radius grows with angle, fitting in ≈ [−0.9, 0.9]², thin', () => {
    const d = makeDataset('spiral', 5000, 1);
    let maxR = 0,
      minR = 9;
    for (let i = 0; i < d.n; i++) {
      const r = Math.hypot(d.points[2 * i], d.points[2 * i + 1]);
      maxR = Math.max(maxR, r);
      minR = Math.min(minR, r);
    }
    expect(maxR).toBeLessThan(0.9 + 5 * SPIRAL.noise);
    expect(maxR).toBeGreaterThan(0.85);
    expect(minR).toBeGreaterThan((0.9 * SPIRAL.thetaMin) / SPIRAL.thetaMax - 5 * SPIRAL.noise);
  });

  it('spiral3: three balanced classes person/cat/dog, each an arm rotated by 120°', () => {
    const d = makeDataset('spiral3', 3000, 2);
    expect(d.classNames).toEqual(['person', 'cat', 'dog']);
    const counts = [0, 0, 0];
    for (const l of d.labels!) counts[l]++;
    expect(counts).toEqual([1000, 1000, 1000]);
  });

  it('gmm: 8 blobs on a ring (each label’s points centred on its ring point)', () => {
    const d = makeDataset('gmm', 8000, 3);
    for (let c = 0; c < 8; c++) {
      const pts: number[] = [];
      for (let i = 0; i < d.n; i++) if (d.labels![i] === c) pts.push(d.points[2 * i], d.points[2 * i + 1]);
      const m = meanCov(new Float32Array(pts));
      expect(Math.hypot(m.mean[0] - 0.7 * Math.cos((2 * Math.PI * c) / 8), m.mean[1] - 0.7 * Math.sin((2 * Math.PI * c) / 8))).toBeLessThan(0.02);
    }
  });

  it('checkerboard: points lie on alternate squares of the 4 × 4 board, all 8 of them used', () => {
    const d = makeDataset('checkerboard', 4000, 4);
    const cells = new Set<string>();
    let odd = 0;
    for (let i = 0; i < d.n; i++) {
      const cx = Math.floor(d.points[2 * i] / 0.45 + 1e-6),
        cy = Math.floor(d.points[2 * i + 1] / 0.45 + 1e-6);
      if ((((cx + cy) % 2) + 2) % 2 === 1) odd++;
      cells.add(`${cx},${cy}`);
    }
    expect(odd).toBe(0);
    expect(cells.size).toBe(8);
  });

  it('datasetFromStrokes samples uniformly by arc length, with jitter, and rejects empty drawings', () => {
    const d = datasetFromStrokes([[[-0.5, 0], [0.5, 0]]], 20000, 1, 0.01);
    const m = meanCov(d.points);
    expect(Math.abs(m.mean[0])).toBeLessThan(4 * Math.sqrt(1 / 12 / 20000));
    expect(Math.abs(m.cov[0] - 1 / 12)).toBeLessThan(0.004);
    expect(Math.abs(Math.sqrt(m.cov[2]) - 0.01)).toBeLessThan(0.0005);
    // Strokes of length 1 and 3: a quarter of the points on the first.
    const two = datasetFromStrokes(
      [
        [[0, 0.5], [1, 0.5]],
        [[0, -0.5], [3, -0.5]]
      ],
      8000,
      2
    );
    let first = 0;
    for (let i = 0; i < two.n; i++) if (two.points[2 * i + 1] > 0) first++;
    expect(Math.abs(first / 8000 - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / 8000));
    expect(two.name).toBe('drawn');
    expect(datasetFromStrokes([[[0.2, 0.3]]], 10, 1).points.length).toBe(20); // a single dot
    expect(() => datasetFromStrokes([], 10, 1)).toThrow(/drawing is empty/);
    expect(() => datasetFromStrokes([[]], 10, 1)).toThrow(/drawing is empty/);
  });
});
