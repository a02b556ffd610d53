// Noise schedules. Notation (everywhere in the engine): t = 0 is data, t = T is pure noise.
// Every array has length T + 1 and index 0 means "data": beta[0] = 0, alpha[0] = 1,
// alphaBar[0] = 1, snr[0] = Infinity. The diffusion steps are t = 1..T, and
//   x_t = sqrt(alphaBar_t) x_0 + sqrt(1 − alphaBar_t) ε,   alphaBar_t = Π_{s ≤ t} (1 − beta_s).

export type ScheduleName = 'linear' | 'cosine' | 'scaled-linear';

export interface Schedule {
  name: ScheduleName;
  T: number;
  beta: Float64Array;
  alpha: Float64Array;
  alphaBar: Float64Array;
  /** Signal-to-noise ratio alphaBar / (1 − alphaBar); snr[0] = Infinity. */
  snr: Float64Array;
}

export const SCHEDULE_NAMES: readonly ScheduleName[] = ['linear', 'cosine', 'scaled-linear'];

export const SCHEDULES: ReadonlyArray<{ name: ScheduleName; label: string; description: string }> = [
  { name: 'linear', label: 'linear (DDPM)', description: 'Ho et al. 2020: β rises linearly from 10⁻⁴ to 0.02 over T = 1000 steps.' },
  { name: 'cosine', label: 'cosine (improved DDPM)', description: 'Nichol & Dhariwal 2021: ᾱ_t follows cos², so noise is added more gently at both ends.' },
  {
    name: 'scaled-linear',
    label: 'scaled-linear (Stable Diffusion)',
    description: 'Stable Diffusion: √β rises linearly from √0.00085 to √0.012.'
  }
];

/** Largest β any schedule may use (β = 1 would erase the signal in one step). */
export const MAX_BETA = 0.999;
/** Offset s of the cosine schedule (Nichol & Dhariwal 2021). */
export const COSINE_S = 0.008;

/** The cosine schedule's closed form ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s) · π/2), before β clipping. */
export function cosineAlphaBar(t: number, T: number, s = COSINE_S): number {
  const f = (u: number) => {
    const c = Math.cos(((u / T + s) / (1 + s)) * (Math.PI / 2));
    return c * c;
  };
  return f(t) / f(0);
}

/**
 * β_0..β_T (β_0 = 0) rising linearly from b0 at t = 1 to b1 at t = T, or with `scaled`, √β rising
 * linearly from √b0 to √b1: diffusers' 'linear' and 'scaled_linear' beta schedules (whose index
 * i = 0..T−1 is our t = i + 1). Shared by makeSchedule and the Stable Diffusion pipeline (src/lib/sd).
 */
export function linearBetas(T: number, b0: number, b1: number, scaled = false): Float64Array {
  const beta = new Float64Array(T + 1);
  const r0 = scaled ? Math.sqrt(b0) : b0;
  const r1 = scaled ? Math.sqrt(b1) : b1;
  for (let t = 1; t <= T; t++) {
    const r = T === 1 ? r1 : r0 + ((r1 - r0) * (t - 1)) / (T - 1);
    beta[t] = scaled ? r * r : r;
  }
  return beta;
}

/** A Schedule from β_0..β_T (β_0 must be 0): α, ᾱ (accumulated in float64) and SNR. */
export function scheduleFromBetas(name: ScheduleName, beta: Float64Array): Schedule {
  const T = beta.length - 1;
  if (T < 1 || beta[0] !== 0) throw new Error('scheduleFromBetas: need β_0 = 0 followed by β_1..β_T');
  const alpha = new Float64Array(T + 1);
  const alphaBar = new Float64Array(T + 1);
  const snr = new Float64Array(T + 1);
  alpha[0] = 1;
  alphaBar[0] = 1;
  snr[0] = Infinity;
  for (let t = 1; t <= T; t++) {
    alpha[t] = 1 - beta[t];
    alphaBar[t] = alphaBar[t - 1] * alpha[t];
    snr[t] = alphaBar[t] / (1 - alphaBar[t]);
  }
  return { name, T, beta, alpha, alphaBar, snr };
}

export function makeSchedule(name: ScheduleName, T = 1000): Schedule {
  if (!Number.isInteger(T) || T < 1) throw new Error(`makeSchedule: T must be a positive integer, got ${T}`);
  let beta: Float64Array;
  if (name === 'linear') {
    // DDPM's 1e-4 → 0.02 at T = 1000; for other T both ends scale by 1000/T so that the total
    // amount of noise (≈ Σβ) stays about the same.
    const k = 1000 / T;
    beta = linearBetas(T, Math.min(1e-4 * k, MAX_BETA), Math.min(0.02 * k, MAX_BETA));
  } else if (name === 'scaled-linear') {
    beta = linearBetas(T, 0.00085, 0.012, true);
  } else if (name === 'cosine') {
    beta = new Float64Array(T + 1);
    for (let t = 1; t <= T; t++) {
      const b = 1 - cosineAlphaBar(t, T) / cosineAlphaBar(t - 1, T);
      beta[t] = Math.min(Math.max(b, 0), MAX_BETA);
    }
  } else {
    throw new Error(`makeSchedule: unknown schedule "${name as string}" (expected linear, cosine or scaled-linear)`);
  }
  return scheduleFromBetas(name, beta);
}

/** Check that t is an integer step 0..T (throws a clear error otherwise). */
export function checkStep(t: number, s: Schedule, who: string, min = 0): void {
  if (!Number.isInteger(t) || t < min || t > s.T) throw new Error(`${who}: t must be an integer in ${min}..${s.T}, got ${t}`);
}
