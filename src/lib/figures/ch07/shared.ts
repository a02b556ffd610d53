// Chapter 7 helpers shared by its figures: the landscape colour ramp, downloads, and a small
// client for the evolution worker (one worker per figure; a newer request cancels an older one).
import { interpolateYlGnBu } from 'd3-scale-chromatic';
import { LANDSCAPES, LANDSCAPE_NAMES, type LandscapeName } from '$lib/diffusion/landscapes';
import type { Algorithm, EvolutionRun } from '$lib/diffusion/evolution';
import type { CompareRequest, CompareResult } from './compare';
import { LatestWorker } from '$lib/workers/latest';

export const LANDSCAPE_OPTIONS = LANDSCAPE_NAMES.map((name) => ({ value: name, label: LANDSCAPES[name].label }));
export const ALGO_OPTIONS: { value: Algorithm; label: string }[] = [
  { value: 'diffusion', label: 'Diffusion Evolution' },
  { value: 'es', label: 'Evolution strategy (μ, λ)' }
];

/** Colours of the two algorithms in every chart (colour-blind safe blue and orange). */
export const ALGO_COLOR: Record<Algorithm, string> = { diffusion: '#1d4e89', es: '#d1700f' };

/** Fitness colour ramp, from pale (low) to deep blue (high); clipped so the top stays legible under points. */
export const RAMP_RANGE: [number, number] = [0.03, 0.7];
export function rampColor(u: number): string {
  const v = Math.min(1, Math.max(0, u));
  return interpolateYlGnBu(RAMP_RANGE[0] + v * (RAMP_RANGE[1] - RAMP_RANGE[0]));
}

/** Parse a CSS rgb()/#hex colour into [r, g, b] (the particle rasteriser's parser). */
export { parseRgb as rgbOf } from '../particle-raster';

export { download } from '../download';

export interface RunRequest {
  kind: 'run';
  algorithm: Algorithm;
  landscape: LandscapeName;
  n: number;
  generations: number;
  seed: number;
  temperature: number;
  eta: number;
}

export type WorkerRequest = RunRequest | CompareRequest;
export type WorkerReply<R> = R extends RunRequest ? EvolutionRun : CompareResult;

/**
 * One dedicated worker. `latest(req)` runs a request; if an older one is still running, that
 * worker is terminated (its answer would be stale) and a fresh one takes the new request.
 */
export class EvolveClient {
  #w = new LatestWorker<WorkerRequest, unknown>(
    () => new Worker(new URL('../../workers/ch07-evolve.worker.ts', import.meta.url), { type: 'module' }),
    'The evolution worker'
  );

  latest<R extends WorkerRequest>(req: R, onprogress?: (done: number, total: number) => void): Promise<WorkerReply<R>> {
    return this.#w.latest(req, onprogress && ((p) => onprogress(p[0], p[1]))) as Promise<WorkerReply<R>>;
  }

  dispose() {
    this.#w.dispose();
  }
}

export const fmt3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
