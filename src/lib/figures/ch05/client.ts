// Chapter 5: a small client for the sampling worker (one worker per figure). `latest(req)` runs a
// request; a newer request terminates a worker still busy with an older one (its answer would be
// stale) and starts a fresh one. Also the pre-trained network loader and the shared labels.
import { loadPretrainedJSON } from '$lib/pretrained';
import type { MLPJson } from '$lib/diffusion/mlp';
import type { Ch05Progress, Ch05Reply, Ch05Request, PanelKind } from './protocol';
import { LatestWorker } from '$lib/workers/latest';

export { download } from '../download';

/** One dedicated worker (see src/lib/workers/latest.ts): a newer request cancels an older one. */
export class Ch05Client {
  #w = new LatestWorker<Ch05Request, unknown, Ch05Progress>(
    () => new Worker(new URL('../../workers/ch05-sample.worker.ts', import.meta.url), { type: 'module' }),
    'The sampling worker'
  );

  latest<R extends Ch05Request>(req: R, onprogress?: (p: Ch05Progress) => void): Promise<Ch05Reply<R>> {
    return this.#w.latest(req, onprogress) as Promise<Ch05Reply<R>>;
  }

  dispose() {
    this.#w.dispose();
  }
}

/** The pre-trained network for a dataset, as JSON for the worker. */
export async function modelJSON(name: string): Promise<MLPJson> {
  return (await loadPretrainedJSON(name)) as MLPJson;
}

export const DATA_OPTIONS = [
  { value: 'spiral', label: 'Spiral' },
  { value: 'moons', label: 'Two moons' },
  { value: 'gmm', label: 'Eight blobs' },
  { value: 'checkerboard', label: 'Checkerboard' }
] as const;
export const DATA_NAMES = DATA_OPTIONS.map((o) => o.value);

export const PANEL_LABEL: Record<PanelKind, string> = {
  ddpm: 'DDPM',
  ddim: 'DDIM',
  nonoise: 'DDPM without noise'
};

/** Colours of the samplers in every chart and panel (colour-blind safe). */
export const SAMPLER_COLOR: Record<string, string> = {
  ddpm: '#1d4e89',
  ddim: '#d1700f',
  'ddpm-no-noise': '#8a3ffc',
  nonoise: '#8a3ffc',
  heun: '#2a9d8f',
  euler: '#b5452b'
};

export const SAMPLER_NAME: Record<string, string> = {
  ddpm: 'DDPM',
  ddim: 'DDIM (η = 0)',
  'ddpm-no-noise': 'DDPM without noise',
  heun: 'Heun (probability-flow ODE)',
  euler: 'Euler (probability-flow ODE)'
};

/** Step counts the sliders offer (a URL may carry any whole number in range). */
export const STEP_CHOICES = [5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
export function nearestIndex(list: number[], v: number): number {
  let b = 0;
  for (let i = 1; i < list.length; i++) if (Math.abs(Math.log(list[i] / v)) < Math.abs(Math.log(list[b] / v))) b = i;
  return b;
}

export const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');
export const sci = (v: number) => (v === 0 ? '0' : Number.isFinite(v) ? v.toExponential(1) : '–');
