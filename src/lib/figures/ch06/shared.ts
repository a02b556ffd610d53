// Chapter 6 helpers shared by its figures: class names and colours, option lists, and a small
// client for the guidance worker (one worker per figure; a newer request cancels an older one).
import type { SampleRequest, SampleResult, SweepPoint, SweepRequest } from './guidance-run';
import { LatestWorker } from '$lib/workers/latest';

/** spiral3's classes, and the class colours of the notation page (blue, orange, teal). */
export const CLASS_NAMES = ['person', 'cat', 'dog'] as const;
export const CLASS_COLORS = ['#1d4e89', '#d1700f', '#2a9d8f'];
export const C_UNCOND = '#7a7a7a';
export const C_DIFF = '#6b2c91';
export const C_GUIDED = '#1a7f37';

export const CLASS_VALUES = ['person', 'cat', 'dog'] as const;
export const CLASS_OPTIONS = CLASS_VALUES.map((c) => ({ value: c, label: c }));
export const TARGET_VALUES = ['none', ...CLASS_VALUES] as const;
export const TARGET_OPTIONS = [{ value: 'none', label: 'none (∅)' }, ...CLASS_OPTIONS];
export const NEG_VALUES = ['none', ...CLASS_VALUES] as const;
export const NEG_OPTIONS = [{ value: 'none', label: 'none: ∅ (plain guidance)' }, ...CLASS_VALUES.map((c) => ({ value: c, label: `not ${c}` }))];
export const SOURCE_VALUES = ['mlp', 'ideal'] as const;
export const SOURCE_OPTIONS = [
  { value: 'mlp', label: 'network (label dropout)' },
  { value: 'ideal', label: 'ideal denoisers' }
];

/** 'none' → −1, 'person' → 0, … */
export const classIndex = (v: string) => CLASS_VALUES.indexOf(v as (typeof CLASS_VALUES)[number]);
export const className = (i: number) => (i >= 0 ? CLASS_NAMES[i] : '∅');

export { download } from '../download';

export type WorkerRequest = SampleRequest | SweepRequest;
type Reply<R> = R extends SampleRequest ? SampleResult : { points: SweepPoint[]; ms: number };
export interface Progress {
  done: number;
  total: number;
  point: SweepPoint;
}

/**
 * One dedicated worker (see src/lib/workers/latest.ts); a newer request terminates an older one
 * still running (its promise rejects with 'superseded'). Progress messages carry each finished
 * sweep point so the chart can draw it at once.
 */
export class GuidanceClient {
  #w = new LatestWorker<WorkerRequest, unknown, Progress>(
    () => new Worker(new URL('../../workers/ch06-guidance.worker.ts', import.meta.url), { type: 'module' }),
    'The guidance worker'
  );

  latest<R extends WorkerRequest>(req: R, onprogress?: (p: Progress) => void): Promise<Reply<R>> {
    return this.#w.latest(req, onprogress) as Promise<Reply<R>>;
  }

  dispose() {
    this.#w.dispose();
  }
}

export const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(100 * v)}%` : '–');
