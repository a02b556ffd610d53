// Time one ShapesWorld text-to-image generation with onnxruntime-web (wasm) in Node:
// tokenize → text encoder (prompt + empty prompt) → 25 guided DDIM steps (UNet at batch 2) →
// VAE decode. The budget is ≤ 3 s on the 2-core dev machine (a browser measurement comes later).
//
//   npm run bench:sd     (node scripts/run-ts.mjs bench/sd-generate.ts [--steps 25] [--runs 3] [--threads 1])
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import * as ort from 'onnxruntime-web';
import { parseManifest, makeWordTokenizer, alphasCumprod, ddimTimesteps, ddimStep, guide } from '../src/lib/sd/manifest';

const args = process.argv.slice(2);
const opt = (k: string, d: number) => (args.includes(`--${k}`) ? Number(args[args.indexOf(`--${k}`) + 1]) : d);
const steps = opt('steps', 25);
const runs = opt('runs', 3);
const threads = opt('threads', 1);
const w = opt('w', 5);
const DIR = 'models/shapesworld';

ort.env.wasm.numThreads = threads;
const m = parseManifest(JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')));
const vocab = JSON.parse(readFileSync(`${DIR}/${m.tokenizer.vocab_file}`, 'utf8')).vocab;
const tokenize = makeWordTokenizer(m.tokenizer, vocab);

const t0 = performance.now();
const load = async (role: string) => ort.InferenceSession.create(readFileSync(`${DIR}/${m.models[role].file}`), { executionProviders: ['wasm'] });
const [text, unet, dec] = await Promise.all([load('text_encoder'), load('unet'), load('vae_decoder')]);
const loadMs = performance.now() - t0;

async function generateOnce(prompt: string, seed: number) {
  const L = m.text.max_length;
  const ids = new ort.Tensor('int32', Int32Array.from([...tokenize(''), ...tokenize(prompt)]), [2, L]);
  const ctx = (await text.run({ input_ids: ids })).last_hidden_state;
  const ac = alphasCumprod(m.scheduler);
  // seeded Gaussian initial latents (Box–Muller over a small LCG)
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const n = m.latent.channels * m.latent.height * m.latent.width;
  const x = Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  const dims = [2, m.latent.channels, m.latent.height, m.latent.width];
  let unetMs = 0;
  for (const t of ddimTimesteps(m.scheduler, steps)) {
    const a = performance.now();
    const out = await unet.run({
      sample: new ort.Tensor('float32', Float32Array.from([...x, ...x]), dims),
      timestep: new ort.Tensor('float32', Float32Array.from([t, t]), [2]),
      encoder_hidden_states: ctx
    });
    unetMs += performance.now() - a;
    ddimStep(m.scheduler, ac, x, guide(out.out_sample.data as Float32Array, w), t, steps);
  }
  const a = performance.now();
  const img = await dec.run({ latent_sample: new ort.Tensor('float32', x.map((v) => v / m.latent.scaling_factor), [1, ...dims.slice(1)]) });
  return { unetMs, decodeMs: performance.now() - a, pixels: img.sample.data as Float32Array };
}

await generateOnce('a large red circle in the centre', 0); // warm-up
const times = [];
for (let r = 0; r < runs; r++) {
  const a = performance.now();
  const g = await generateOnce(['a small blue star on the left', 'a large red circle in the centre', 'a green square above a yellow triangle'][r % 3], r + 1);
  times.push({ totalMs: performance.now() - a, unetMs: g.unetMs, decodeMs: g.decodeMs });
}
const med = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const result = {
  name: 'sd-generate',
  date: new Date().toISOString(),
  runtime: `onnxruntime-web ${ort.env.versions?.web ?? ''} wasm in Node ${process.version}`,
  machine: { cpus: cpus().length, model: cpus()[0]?.model },
  loadavg: (await import('node:os')).loadavg(),
  threads,
  steps,
  guidance: w,
  loadMs: Math.round(loadMs),
  medianTotalMs: Math.round(med(times.map((t) => t.totalMs))),
  medianUnetMs: Math.round(med(times.map((t) => t.unetMs))),
  medianDecodeMs: Math.round(med(times.map((t) => t.decodeMs))),
  runs: times.map((t) => ({ totalMs: Math.round(t.totalMs), unetMs: Math.round(t.unetMs), decodeMs: Math.round(t.decodeMs) })),
  budgetMs: 3000
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/sd-generate.json', JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
