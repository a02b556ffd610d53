// The shipped ShapesWorld ONNX models (models/shapesworld/) against their manifest and the golden
// outputs recorded by export_onnx.py with PyTorch, run here with onnxruntime-node.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import {
  parseManifest,
  validateManifest,
  checkSessionIO,
  concreteShape,
  makeWordTokenizer,
  alphasCumprod,
  ddimTimesteps,
  ddimStep,
  guide,
  type SdManifest,
  type ModelRole
} from '$lib/sd/manifest';
import { generate, toBytes, tokenize, VOCAB } from '$lib/diffusion/shapesworld';

const DIR = 'models/shapesworld';
const manifestJson = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8'));
const golden = JSON.parse(readFileSync(`${DIR}/golden.json`, 'utf8'));
const m: SdManifest = parseManifest(manifestJson);
const sessions: Partial<Record<ModelRole, ort.InferenceSession>> = {};

interface Summary {
  shape: number[];
  head: number[];
  sum: number;
  abs_sum: number;
}

function expectClose(data: Float32Array, dims: readonly number[], g: Summary, tol = 2e-3) {
  expect(Array.from(dims)).toEqual(g.shape);
  g.head.forEach((v, i) => expect(Math.abs(data[i] - v)).toBeLessThan(tol * (1 + Math.abs(v))));
  let s = 0;
  let a = 0;
  for (const v of data) {
    s += v;
    a += Math.abs(v);
  }
  expect(Math.abs(a - g.abs_sum)).toBeLessThan(tol * (1 + g.abs_sum));
  expect(Math.abs(s - g.sum)).toBeLessThan(tol * (1 + g.abs_sum));
}

const wave = (n: number, a: number, b = 0, scale = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(a * i + b) * scale);
const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

function images(seeds: number[]): ort.Tensor {
  const n = seeds.length;
  const out = new Float32Array(n * 3 * 64 * 64);
  seeds.forEach((seed, b) => {
    const bytes = toBytes(generate(seed).pixels);
    for (let i = 0; i < 64 * 64; i++) for (let c = 0; c < 3; c++) out[b * 3 * 4096 + c * 4096 + i] = bytes[3 * i + c] / 127.5 - 1;
  });
  return f32(out, [n, 3, 64, 64]);
}

beforeAll(async () => {
  for (const [role, e] of Object.entries(m.models)) sessions[role as ModelRole] = await ort.InferenceSession.create(`${DIR}/${e.file}`);
});

describe('ShapesWorld manifest', () => {
  it('is valid and describes SD-style roles', () => {
    expect(validateManifest(manifestJson)).toEqual([]);
    for (const r of ['text_encoder', 'image_encoder', 'vae_encoder', 'vae_decoder', 'unet']) expect(m.models[r]).toBeDefined();
    expect(m.scheduler.num_train_timesteps).toBe(1000);
    expect(m.scheduler.beta_schedule).toBe('scaled_linear');
    expect(m.latent.channels).toBe(4);
    expect(m.latent.downsample).toBe(8);
    expect(m.latent.scaling_factor).toBeGreaterThan(0);
  });

  it('lists the right bytes and sha256 of every file, within the 40 MB budget', () => {
    let total = 0;
    for (const e of Object.values(m.models)) {
      const buf = readFileSync(`${DIR}/${e.file}`);
      expect(buf.length).toBe(e.bytes);
      expect(createHash('sha256').update(buf).digest('hex')).toBe(e.sha256);
      total += buf.length;
    }
    expect(total).toBeLessThanOrEqual(40e6);
    const vocab = readFileSync(`${DIR}/${m.tokenizer.vocab_file}`);
    expect(createHash('sha256').update(vocab).digest('hex')).toBe(m.tokenizer.sha256);
  });

  it('has a tokenizer that agrees with the generator’s', () => {
    const vocab = JSON.parse(readFileSync(`${DIR}/${m.tokenizer.vocab_file}`, 'utf8')).vocab as string[];
    expect(vocab).toEqual(VOCAB);
    const tk = makeWordTokenizer(m.tokenizer, vocab);
    for (const p of ['', 'a small red circle left of a large blue square', 'A big, YELLOW star?', golden.prompts[0]])
      expect(Array.from(tk(p))).toEqual(Array.from(tokenize(p)));
    expect(golden.input_ids[0]).toEqual(Array.from(tokenize(golden.prompts[0])));
  });

  it('matches SD’s 25-step DDIM timesteps', () => {
    const ts = ddimTimesteps(m.scheduler, 25);
    expect(ts[0]).toBe(961);
    expect(ts.at(-1)).toBe(1);
    expect(ddimTimesteps(m.scheduler, 5)).toEqual(golden.pipeline.timesteps);
    const ac = alphasCumprod(m.scheduler);
    expect(ac[0]).toBeCloseTo(1 - 0.00085, 6);
    expect(ac[999]).toBeCloseTo(0.0047, 4);
  });
});

describe('ShapesWorld ONNX models', () => {
  it('declare the inputs and outputs of the manifest, and run with a dynamic batch', async () => {
    for (const [role, e] of Object.entries(m.models)) {
      const s = sessions[role as ModelRole]!;
      expect(checkSessionIO(e, s)).toEqual([]);
      for (const batch of [1, 3]) {
        const feeds: Record<string, ort.Tensor> = {};
        for (const spec of e.inputs) {
          const dims = concreteShape(spec, { batch });
          const n = dims.reduce((a, b) => a * b, 1);
          feeds[spec.name] =
            spec.dtype === 'int32'
              ? new ort.Tensor('int32', Int32Array.from({ length: n }, (_, i) => (i % dims[1] === 0 ? 1 : i % dims[1] === 3 ? 2 : 0)), dims)
              : f32(wave(n, 0.3), dims);
        }
        const out = await s.run(feeds);
        for (const spec of e.outputs) {
          expect(out[spec.name].type).toBe(spec.dtype);
          expect(Array.from(out[spec.name].dims)).toEqual(concreteShape(spec, { batch }));
        }
      }
    }
  });

  it('reproduce the golden outputs recorded with PyTorch', async () => {
    const ids = new ort.Tensor('int32', Int32Array.from(golden.input_ids.flat()), [2, m.text.max_length]);
    const te = await sessions.text_encoder!.run({ input_ids: ids });
    expectClose(te.last_hidden_state.data as Float32Array, te.last_hidden_state.dims, golden.text_encoder.last_hidden_state);
    expectClose(te.text_embeds.data as Float32Array, te.text_embeds.dims, golden.text_encoder.text_embeds);

    const img = images(golden.image_seeds); // the generator must reproduce the exported training images
    const ie = await sessions.image_encoder!.run({ pixel_values: img });
    expectClose(ie.image_embeds.data as Float32Array, ie.image_embeds.dims, golden.image_encoder.image_embeds);
    const ve = await sessions.vae_encoder!.run({ sample: img });
    expectClose(ve.latent_sample.data as Float32Array, ve.latent_sample.dims, golden.vae_encoder.latent_sample);

    const vd = await sessions.vae_decoder!.run({ latent_sample: f32(wave(256, 0.07), [1, 4, 8, 8]) });
    expectClose(vd.sample.data as Float32Array, vd.sample.dims, golden.vae_decoder.sample);

    const D = m.text.hidden_size;
    const L = m.text.max_length;
    const un = await sessions.unet!.run({
      sample: f32(wave(512, 0.1), [2, 4, 8, 8]),
      timestep: f32(Float32Array.from([500, 20]), [2]),
      encoder_hidden_states: f32(wave(2 * L * D, 0.05, 1, 0.5), [2, L, D])
    });
    expectClose(un.out_sample.data as Float32Array, un.out_sample.dims, golden.unet.out_sample);
  });

  it('reproduce a seeded 5-step guided generation', async () => {
    const g = golden.pipeline;
    const L = m.text.max_length;
    const ids = new ort.Tensor('int32', Int32Array.from([...tokenize(''), ...tokenize(g.prompt)]), [2, L]);
    const ctx = (await sessions.text_encoder!.run({ input_ids: ids })).last_hidden_state; // [uncond, cond]
    const ac = alphasCumprod(m.scheduler);
    const x = wave(256, 0.13);
    for (const t of ddimTimesteps(m.scheduler, g.steps)) {
      const out = await sessions.unet!.run({
        sample: f32(Float32Array.from([...x, ...x]), [2, 4, 8, 8]),
        timestep: f32(Float32Array.from([t, t]), [2]),
        encoder_hidden_states: ctx
      });
      ddimStep(m.scheduler, ac, x, guide(out.out_sample.data as Float32Array, g.guidance_scale), t, g.steps);
    }
    expectClose(x, [1, 4, 8, 8], g.latents, 5e-3);
    const sf = m.latent.scaling_factor;
    const dec = await sessions.vae_decoder!.run({ latent_sample: f32(x.map((v) => v / sf), [1, 4, 8, 8]) });
    expectClose(dec.sample.data as Float32Array, dec.sample.dims, g.image, 5e-3);
  });
});

describe.skipIf(!existsSync(`${DIR}/quality.json`))('ShapesWorld recorded quality', () => {
  it('is recorded with every metric the README quotes', () => {
    const q = JSON.parse(readFileSync(`${DIR}/quality.json`, 'utf8'));
    expect(q.clip_zero_shot.shape_top1).toBeTypeOf('number');
    expect(q.adherence.curve).toHaveLength(10);
  });
});
