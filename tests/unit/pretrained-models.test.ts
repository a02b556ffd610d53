// The shipped pre-trained networks (models/mlp/*.json, made by scripts/train-defaults.ts):
// valid files of the default architecture, small, and producing the right shape.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { MLP } from '$lib/diffusion/mlp';
import { DEFAULT_MLP_CONFIG, DEFAULT_TRAIN_STEPS } from '$lib/diffusion/train';
import { makeSchedule } from '$lib/diffusion/schedules';
import { ddpmSample } from '$lib/diffusion/samplers';
import { compareToData } from '$lib/diffusion/metrics';
import { Rng } from '$lib/diffusion/rng';

const dir = 'models/mlp';
const expected = ['checkerboard', 'gmm', 'moons', 'spiral', 'spiral3'];

describe('pre-trained MLPs', () => {
  it('exist for every built-in dataset, load, use the default architecture and are < 100 KB', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace('.json', '')).sort()).toEqual(expected);
    for (const f of files) {
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      expect(text.length).toBeLessThan(100 * 1024);
      const m = MLP.fromJSON(JSON.parse(text));
      const name = f.replace('.json', '');
      expect(m.dataset).toBe(name);
      expect(m.schedule).toBe('linear');
      expect(m.cfg).toEqual({ ...DEFAULT_MLP_CONFIG, numClasses: name === 'spiral3' ? 3 : 0 });
      expect(m.trainedSteps).toBeGreaterThan(DEFAULT_TRAIN_STEPS);
    }
  });

  it('spiral: samples are close to the data (SW ≤ 3 × noise floor, 1000 samples, 250 DDPM steps)', () => {
    const m = MLP.fromJSON(JSON.parse(readFileSync(`${dir}/spiral.json`, 'utf8')));
    const s = makeSchedule('linear', m.cfg.T);
    const { samples } = ddpmSample(m, s, 1000, new Rng(1), { steps: 250 });
    expect(compareToData(samples, 'spiral', new Rng(2), { repeats: 6 }).ratio).toBeLessThan(3);
  });
});
