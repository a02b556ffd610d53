import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  validateManifest,
  parseManifest,
  loadManifest,
  verifyModelBytes,
  sha256Hex,
  ddimTimesteps,
  alphasCumprod,
  ddimStep,
  guide,
  concreteShape,
  type SchedulerConfig
} from '$lib/sd/manifest';

const json = JSON.parse(readFileSync('models/shapesworld/manifest.json', 'utf8'));
const clone = () => JSON.parse(JSON.stringify(json));

describe('SD manifest validator', () => {
  it('accepts the shipped manifest and rejects broken ones', () => {
    expect(validateManifest(json)).toEqual([]);
    const a = clone();
    delete a.models.unet;
    expect(validateManifest(a).join()).toContain('models.unet missing');
    const b = clone();
    b.models.text_encoder.inputs[0].dtype = 'int8';
    expect(validateManifest(b).join()).toContain('bad dtype');
    const c = clone();
    c.models.vae_decoder.sha256 = 'xyz';
    expect(validateManifest(c).join()).toContain('sha256');
    const d = clone();
    d.latent.scaling_factor = 0;
    expect(() => parseManifest(d)).toThrow(/scaling_factor/);
  });

  it('loads through a fetch-like function and resolves files next to the manifest', async () => {
    const fake = async () => ({ ok: true, json: async () => json, arrayBuffer: async () => new ArrayBuffer(0) });
    const { manifest, resolve } = await loadManifest('/models/shapesworld/manifest.json', fake);
    expect(manifest.name).toBe(json.name);
    expect(resolve(manifest.models.unet!.file)).toBe('/models/shapesworld/onnx/unet.onnx');
  });

  it('verifies bytes against size and sha256', async () => {
    const e = json.models.vae_decoder;
    const bytes = readFileSync(`models/shapesworld/${e.file}`);
    expect(await verifyModelBytes(e, bytes)).toEqual([]);
    const bad = Uint8Array.from(bytes);
    bad[100] ^= 1;
    expect((await verifyModelBytes(e, bad)).length).toBe(1);
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('binds named dimensions', () => {
    expect(concreteShape(json.models.unet.inputs[0], { batch: 2 })).toEqual([2, 4, 8, 8]);
    expect(() => concreteShape(json.models.unet.inputs[0], {})).toThrow(/batch/);
  });
});

describe('DDIM helpers', () => {
  const s: SchedulerConfig = json.scheduler;
  it('spaces timesteps like diffusers', () => {
    expect(ddimTimesteps(s, 10)).toEqual([901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
    expect(ddimTimesteps({ ...s, timestep_spacing: 'trailing' }, 4)).toEqual([999, 749, 499, 249]);
    // numpy rounds halves to even: np.round(np.arange(1000, 0, -62.5)).astype(int) - 1
    expect(ddimTimesteps({ ...s, timestep_spacing: 'trailing' }, 16)).toEqual([999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374, 311, 249, 187, 124, 61]);
    // np.linspace(0, 999, 10).round()[::-1]
    expect(ddimTimesteps({ ...s, timestep_spacing: 'linspace' }, 10)).toEqual([999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
  });
  it('recovers x0 exactly when ε is the true noise', () => {
    const ac = alphasCumprod(s);
    const x0 = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i));
    const eps = Float32Array.from({ length: 16 }, (_, i) => Math.cos(3 * i));
    const x = x0.map((v, i) => Math.sqrt(ac[961]) * v + Math.sqrt(1 - ac[961]) * eps[i]);
    for (const t of ddimTimesteps(s, 25)) {
      // the noise the current x carries w.r.t. x0
      const e = x.map((v, i) => (v - Math.sqrt(ac[t]) * x0[i]) / Math.sqrt(1 - ac[t]));
      ddimStep(s, ac, x, e, t, 25);
    }
    x0.forEach((v, i) => expect(Math.abs(x[i] - Math.sqrt(ac[0]) * v)).toBeLessThan(0.05));
  });
  it('guides as ε_∅ + w (ε_c − ε_∅)', () => {
    expect(Array.from(guide(Float32Array.from([1, 2, 3, 6]), 3))).toEqual([7, 14]);
    expect(Array.from(guide(Float32Array.from([1, 2, 3, 6]), 1))).toEqual([3, 6]);
  });
});
