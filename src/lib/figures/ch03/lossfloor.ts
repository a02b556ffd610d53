// Chapter 3: the lowest training loss any network can reach on a dataset of finitely many points,
// E_{t, x_0, ε} ||ε − E[ε | x_t]||², estimated by Monte Carlo with the engine's exact
// IdealDenoiser (stratified over t like the Trainer). It is the spread of figure "Two targets",
// averaged over t: the part of the loss that no amount of training removes.
import { IdealDenoiser } from '$lib/diffusion/ideal';
import { qSample } from '$lib/diffusion/forward';
import type { Schedule } from '$lib/diffusion/schedules';
import { Rng } from '$lib/diffusion/rng';

export function idealLoss(points: Float32Array, s: Schedule, seed = 1, strata = 128, per = 12): number {
  const den = new IdealDenoiser(points, s);
  const rng = new Rng(seed);
  const N = points.length >> 1;
  const x0 = new Float32Array(2 * per), eps = new Float32Array(2 * per), xt = new Float32Array(2 * per), pred = new Float32Array(2 * per);
  let total = 0;
  for (let k = 0; k < strata; k++) {
    const t = 1 + Math.min(s.T - 1, Math.floor(((k + rng.next()) * s.T) / strata));
    for (let i = 0; i < per; i++) {
      const j = rng.int(N);
      x0[2 * i] = points[2 * j];
      x0[2 * i + 1] = points[2 * j + 1];
    }
    qSample(x0, t, s, rng, xt, eps);
    den.eps(xt, per, t, pred);
    for (let i = 0; i < 2 * per; i++) total += (eps[i] - pred[i]) ** 2;
  }
  // Per example the loss sums both coordinates, as the Trainer's does.
  return total / (strata * per);
}
