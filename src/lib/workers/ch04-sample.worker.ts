// Chapter 4: runs a sampler (DDPM with or without its noise, or any other SamplerKind) for one
// chunk of particles off the main thread, recording the whole trajectory into one Float32Array.
// The page (src/lib/figures/ch04/sample-pool.ts) splits the particles into fixed chunks, one
// random stream per chunk, so the result does not depend on how many workers ran them.
//
// In:  { id, req: ChunkRequest }            Out: { id, progress: [done, total] } … then { id, result: ChunkResult } or { id, error }
import { MLP, type MLPJson } from '$lib/diffusion/mlp';
import { IdealDenoiser } from '$lib/diffusion/ideal';
import { makeDataset } from '$lib/diffusion/datasets';
import { makeSchedule } from '$lib/diffusion/schedules';
import { Rng } from '$lib/diffusion/rng';
import { runSampler, packTrajectory } from '$lib/diffusion/samplers';
import type { Denoiser } from '$lib/diffusion/denoiser';
import type { ChunkRequest, ChunkResult } from '$lib/figures/ch04/sample-pool';

const post = (msg: unknown, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

let mlpCache: { key: string; mlp: MLP } | null = null;
let idealCache: { key: string; den: IdealDenoiser } | null = null;

function denoiserFor(req: ChunkRequest): Denoiser {
  const sched = makeSchedule(req.schedule, req.T);
  if (req.denoiser === 'ideal') {
    const key = `${req.dataset}:${req.idealN}:${req.dataSeed}:${req.schedule}:${req.T}`;
    if (idealCache?.key !== key) idealCache = { key, den: new IdealDenoiser(makeDataset(req.dataset, req.idealN, req.dataSeed), sched) };
    return idealCache.den;
  }
  if (!req.model) throw new Error('the learned denoiser needs its weights (req.model)');
  if (mlpCache?.key !== req.modelKey) mlpCache = { key: req.modelKey, mlp: MLP.fromJSON(req.model as MLPJson) };
  return mlpCache.mlp;
}

self.onmessage = (e: MessageEvent<{ id: number; req: ChunkRequest }>) => {
  const { id, req } = e.data;
  try {
    const t0 = performance.now();
    const den = denoiserFor(req);
    const sched = makeSchedule(req.schedule, req.T);
    const rng = new Rng(req.seed).fork(req.chunk);
    let last = 0;
    const res = runSampler(req.sampler, den, sched, req.n, rng, {
      steps: req.steps,
      spacing: req.spacing,
      variance: req.variance,
      eta: req.eta,
      record: true,
      recordEvery: req.recordEvery,
      x0Pred: req.x0Pred,
      onProgress(done, total) {
        const now = performance.now();
        if (now - last > 80 || done === total) {
          last = now;
          post({ id, progress: [done, total] });
        }
      }
    });
    const frames = packTrajectory(res.trajectory!);
    const x0 = res.x0Trajectory ? packTrajectory(res.x0Trajectory) : null;
    const result: ChunkResult = {
      chunk: req.chunk,
      n: req.n,
      frames,
      x0,
      t: Int32Array.from(res.trajectoryT!),
      nfe: res.nfe,
      ms: performance.now() - t0
    };
    const transfer: Transferable[] = [frames.buffer, result.t.buffer];
    if (x0) transfer.push(x0.buffer);
    post({ id, result }, transfer);
  } catch (err) {
    post({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
