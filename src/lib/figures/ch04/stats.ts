// Chapter 4: numbers drawn next to the particles, computed from a recorded run (pure functions).
import type { Schedule } from '$lib/diffusion/schedules';
import { posteriorVariance } from '$lib/diffusion/samplers';

/** Mean over particles of |x_{f+1} − x_f| for each recorded step f → f + 1 (length F − 1). */
export function meanStepLengths(frames: Float32Array, n: number, F: number): Float64Array {
  const out = new Float64Array(Math.max(0, F - 1));
  const m = 2 * n;
  for (let f = 0; f + 1 < F; f++) {
    const a = f * m,
      b = a + m;
    let s = 0;
    for (let i = 0; i < m; i += 2) s += Math.hypot(frames[b + i] - frames[a + i], frames[b + i + 1] - frames[a + i + 1]);
    out[f] = s / n;
  }
  return out;
}

/** Total variance (trace of the covariance) of the particles in each frame (length F). */
export function spreads(frames: Float32Array, n: number, F: number): Float64Array {
  const out = new Float64Array(F);
  const m = 2 * n;
  for (let f = 0; f < F; f++) out[f] = trace(frames.subarray(f * m, (f + 1) * m));
  return out;
}

export function trace(p: Float32Array): number {
  const n = p.length >> 1;
  let mx = 0,
    my = 0;
  for (let i = 0; i < n; i++) {
    mx += p[2 * i];
    my += p[2 * i + 1];
  }
  mx /= n;
  my /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (p[2 * i] - mx) ** 2 + (p[2 * i + 1] - my) ** 2;
  return v / n;
}

/** σ_t of one DDPM step t → t − 1 for t = 1..T, with either variance choice (index t; [0] = 0). */
export function sigmaSeries(s: Schedule): { posterior: Float64Array; beta: Float64Array } {
  const posterior = new Float64Array(s.T + 1),
    beta = new Float64Array(s.T + 1);
  for (let t = 1; t <= s.T; t++) {
    posterior[t] = Math.sqrt(posteriorVariance(s, t, t - 1));
    beta[t] = Math.sqrt(s.beta[t]);
  }
  return { posterior, beta };
}
