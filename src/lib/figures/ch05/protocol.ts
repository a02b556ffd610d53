// Chapter 5: the messages between its figures and the sampling worker (ch05-sample.worker.ts).
//   compare: DDPM, DDIM (η) and no-noise DDPM from one x_T, every step recorded (figure 1)
//   sweep:   distance to the data against the number of steps, one point at a time (figure 2)
//   invert:  data → x_T with DDIM inversion → data again (figure 3)
// The network's weights travel with each request (20 KB of JSON); the worker caches the MLP.
import type { MLPJson } from '$lib/diffusion/mlp';
import type { BuiltinDatasetName } from '$lib/diffusion/datasets';
import type { SamplerKind } from '$lib/diffusion/samplers';
import type { SweepPoint } from '$lib/diffusion/sweeps';

export type PanelKind = 'ddpm' | 'ddim' | 'nonoise';
export const PANELS: PanelKind[] = ['ddpm', 'ddim', 'nonoise'];

export interface CompareRequest {
  kind: 'compare';
  model: MLPJson;
  data: BuiltinDatasetName;
  n: number;
  /** Seeds x_T (shared by the three samplers). */
  seed: number;
  /** Seeds the fresh noise that DDPM (and DDIM with η > 0) add at each step. */
  noise: number;
  steps: number;
  eta: number;
}

export interface CompareResult {
  n: number;
  steps: number;
  eta: number;
  seed: number;
  noise: number;
  /** t of each recorded state: T first, 0 last (steps + 1 entries). */
  t: number[];
  /** Per sampler: all states flattened, state k at [2n·k, 2n·(k + 1)). */
  runs: Record<PanelKind, Float32Array>;
  /** Fresh data points to draw faintly behind the samples. */
  data: Float32Array;
  ms: number;
}

export interface SweepRequest {
  kind: 'sweep';
  model: MLPJson;
  data: BuiltinDatasetName;
  n: number;
  seed: number;
  steps: number[];
  samplers: SamplerKind[];
}

export interface SweepResult {
  points: SweepPoint[];
  ms: number;
  n: number;
}

export interface InvertRequest {
  kind: 'invert';
  model: MLPJson;
  data: BuiltinDatasetName;
  n: number;
  seed: number;
  steps: number;
}

export interface InvertResult {
  n: number;
  steps: number;
  /** The data points that were encoded. */
  x0: Float32Array;
  /** Encoding then decoding, flattened: 2·steps + 1 states (x_0 … x_T … decoded x_0). */
  path: Float32Array;
  /** t of each state of path. */
  t: number[];
  error: { mean: number; median: number; max: number };
  /** Mean and covariance of the encoded x_T (should look like N(0, I)). */
  xTStats: { mean: [number, number]; cov: [number, number, number] };
  /** Median distance from a data point to its nearest other data point (a yardstick for the error). */
  spacing: number;
  nfe: number;
  ms: number;
}

export type Ch05Request = CompareRequest | SweepRequest | InvertRequest;
export type Ch05Reply<R> = R extends CompareRequest ? CompareResult : R extends SweepRequest ? SweepResult : InvertResult;

/** Progress message: `done` of `total`, and for sweeps the point just finished. */
export interface Ch05Progress {
  done: number;
  total: number;
  point?: SweepPoint;
}
