// Chapter 7: runs Diffusion Evolution and the evolution-strategy baseline off the main thread.
// { kind: 'run' } → one EvolutionRun with every generation recorded (figure 1);
// { kind: 'compare' } → both algorithms over several seeds, summarised (figure 3).
import { getLandscape } from '$lib/diffusion/landscapes';
import { runEvolution } from '$lib/diffusion/evolution';
import { compareAlgorithms } from '$lib/figures/ch07/compare';
import type { WorkerRequest } from '$lib/figures/ch07/shared';
import { serveLatest } from './latest';

serveLatest<WorkerRequest>((req, progress) => {
  if (req.kind === 'run') {
    const run = runEvolution(req.algorithm, getLandscape(req.landscape), {
      n: req.n,
      generations: req.generations,
      seed: req.seed,
      temperature: req.temperature,
      eta: req.eta
    });
    const transfer: Transferable[] = [run.positions.buffer, run.fitness.buffer, run.best.buffer, run.t.buffer, run.alphaBar.buffer, run.sigma.buffer];
    if (run.x0hat) transfer.push(run.x0hat.buffer);
    return { result: run, transfer };
  }
  return { result: compareAlgorithms(req, progress) };
});
