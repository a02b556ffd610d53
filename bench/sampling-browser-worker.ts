// Worker body for bench/sampling-browser.mjs (bundled by esbuild into a Blob worker): runs one
// sampler on one chunk of particles with the MLP it is given and reports the time it took.
import { MLP, type MLPJson } from '../src/lib/diffusion/mlp';
import { makeSchedule } from '../src/lib/diffusion/schedules';
import { Rng } from '../src/lib/diffusion/rng';
import { runSampler, type SamplerKind } from '../src/lib/diffusion/samplers';

let mlp: MLP | null = null;
self.onmessage = (e: MessageEvent) => {
  const d = e.data as { model?: MLPJson; kind: SamplerKind | 'evals'; n: number; steps: number; seed: number; chunk: number; record?: boolean };
  if (d.model) mlp = MLP.fromJSON(d.model);
  const s = makeSchedule('linear', 1000);
  const t0 = performance.now();
  if (d.kind === 'evals') {
    const x = new Float32Array(2 * d.n).map((_, i) => Math.sin(i));
    const out = new Float32Array(2 * d.n);
    for (let k = 0; k < d.steps; k++) mlp!.eps(x, d.n, 1 + (k % 1000), out);
  } else {
    runSampler(d.kind, mlp!, s, d.n, new Rng(d.seed).fork(d.chunk), { steps: d.steps, record: d.record });
  }
  (self as unknown as Worker).postMessage({ ms: performance.now() - t0 });
};
