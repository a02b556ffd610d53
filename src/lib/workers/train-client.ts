// Typed client for the training worker (ch03-train.worker.ts), shared by every chapter and the
// benchmarks that train an MLP in the browser.
//
//   const tc = new TrainClient();                         // browser only: creates the worker
//   tc.onprogress = (p) => { ... p.params ... };          // ~8 Hz while training
//   const ready = await tc.init({ data: { kind: 'dataset', name: 'spiral' }, seed: 1 });
//   tc.start();  tc.pause();  tc.reset();                  // reset = fresh weights from the seed, paused
//   const s = await tc.sample({ n: 1000, seed: 7, compare: true });  // DDPM samples + SW vs data
//   tc.dispose();
//
// Protocol (all messages are plain objects; typed arrays are transferred, never copied twice):
//   main → worker  init {id, data, schedule, T, mlp, initial, train, seed, maxSteps, progressHz}
//                  start | pause | reset | set {lr, batch, maxSteps} | snapshot | sample {id, n, seed, steps, cls, compare}
//   worker → main  ready {id, cfg, paramCount, data, labels, numClasses, schedule, T, params}
//                  progress {steps, loss, lossEma, lossChunk, params, stepsPerSec, running, elapsedMs, reason}
//                  samples {id, samples, steps, ms, sw, floor, ratio}
//                  error {id?, message}
// `elapsedMs` counts training time only (not sampling, not time paused), so "trained for 10 s"
// means the same thing on every machine.
import type { BuiltinDatasetName } from '$lib/diffusion/datasets';
import type { ScheduleName } from '$lib/diffusion/schedules';
import type { MLPConfig, MLPJson } from '$lib/diffusion/mlp';

export type DataSpec =
  /** A built-in dataset: n points (default 4000) from makeDataset(name, n, seed). */
  | { kind: 'dataset'; name: BuiltinDatasetName; n?: number; seed?: number }
  /** Points sampled along strokes the reader drew (datasetFromStrokes). */
  | { kind: 'strokes'; strokes: [number, number][][]; n?: number; seed?: number }
  /** Any points (interleaved x, y), optionally labelled. */
  | { kind: 'points'; points: Float32Array; labels?: Uint8Array; numClasses?: number; name?: string };

export interface TrainOptions {
  lr?: number;
  batch?: number;
  /** Classifier-free guidance: probability of replacing a label by the null class (conditional nets only). */
  labelDropout?: number;
}

export interface TrainInit {
  data: DataSpec;
  /** Default 'linear'. */
  schedule?: ScheduleName;
  /** Default 1000. */
  T?: number;
  /** Overrides of the engine's DEFAULT_MLP_CONFIG (numClasses defaults to 0: unconditional). */
  mlp?: Partial<MLPConfig>;
  /** Start from these weights (e.g. a pre-trained network) instead of a fresh initialisation. */
  initial?: MLPJson;
  train?: TrainOptions;
  /** Seeds the initial weights and the training batches. Default 1. */
  seed?: number;
  /** Pause by itself after this many steps (default: never). */
  maxSteps?: number;
  /** Progress messages per second while training (default 8, at most 30). */
  progressHz?: number;
}

export interface SampleRequest {
  n: number;
  seed: number;
  /** Number of DDPM steps (default: the sampler's default, all T). */
  steps?: number;
  cls?: number;
  /** Also measure the sliced Wasserstein distance to fresh data and the noise floor. */
  compare?: boolean;
}

export type ToWorker =
  | ({ type: 'init'; id: number } & TrainInit)
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'set'; lr?: number; batch?: number; maxSteps?: number }
  | { type: 'snapshot' }
  | ({ type: 'sample'; id: number } & SampleRequest);

export interface ReadyMsg {
  type: 'ready';
  id: number;
  cfg: MLPConfig;
  paramCount: number;
  /** The training data (a copy): what the figure draws. */
  data: Float32Array;
  labels?: Uint8Array;
  numClasses: number;
  schedule: ScheduleName;
  T: number;
  /** The initial weights. */
  params: Float32Array;
}

export interface ProgressMsg {
  type: 'progress';
  /** Training steps taken so far. */
  steps: number;
  /** Mean loss over the steps since the last message (NaN if none). */
  loss: number;
  /** Exponential moving average of the per-step loss (decay 0.97: about the last 30 steps). */
  lossEma: number;
  /** Every per-step loss since the last message, in order. */
  lossChunk: Float32Array;
  /** A copy of all weights (layout: the engine's mlpLayout(cfg)). */
  params: Float32Array;
  stepsPerSec: number;
  running: boolean;
  /** Training time so far in ms (excludes pauses and sampling). */
  elapsedMs: number;
  /** Why this message was sent. */
  reason: 'tick' | 'paused' | 'reset' | 'snapshot' | 'max-steps' | 'diverged';
}

export interface SamplesMsg {
  type: 'samples';
  id: number;
  samples: Float32Array;
  /** Training steps of the network that made them. */
  steps: number;
  ms: number;
  sw?: number;
  floor?: number;
  ratio?: number;
}

export interface ErrorMsg {
  type: 'error';
  id?: number;
  message: string;
}

export type FromWorker = ReadyMsg | ProgressMsg | SamplesMsg | ErrorMsg;

type Pending<T> = { resolve: (v: T) => void; reject: (e: Error) => void };

export class TrainClient {
  readonly worker: Worker;
  onprogress: ((p: ProgressMsg) => void) | null = null;
  /** Errors not tied to a request (e.g. training diverged or crashed). */
  onerror: ((message: string) => void) | null = null;
  #id = 0;
  #inits = new Map<number, Pending<ReadyMsg>>();
  #samples = new Map<number, Pending<SamplesMsg>>();
  #latestInit = 0;

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('./ch03-train.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.#receive(e.data);
    this.worker.onerror = (e) => {
      const msg = `The training worker failed: ${e.message || 'unknown error'}`;
      for (const p of [...this.#inits.values(), ...this.#samples.values()]) p.reject(new Error(msg));
      this.#inits.clear();
      this.#samples.clear();
      this.onerror?.(msg);
    };
  }

  #receive(m: FromWorker) {
    if (m.type === 'progress') {
      this.onprogress?.(m);
    } else if (m.type === 'ready') {
      this.#inits.get(m.id)?.resolve(m);
      this.#inits.delete(m.id);
    } else if (m.type === 'samples') {
      this.#samples.get(m.id)?.resolve(m);
      this.#samples.delete(m.id);
    } else if (m.type === 'error') {
      const p = m.id !== undefined ? (this.#inits.get(m.id) ?? this.#samples.get(m.id)) : undefined;
      if (p && m.id !== undefined) {
        p.reject(new Error(m.message));
        this.#inits.delete(m.id);
        this.#samples.delete(m.id);
      } else this.onerror?.(m.message);
    }
  }

  #post(msg: ToWorker, transfer: Transferable[] = []) {
    this.worker.postMessage(msg, transfer);
  }

  /** (Re)initialise with new data and settings; the network starts paused. Earlier pending inits are rejected. */
  init(opts: TrainInit): Promise<ReadyMsg> {
    const id = ++this.#id;
    for (const [k, p] of this.#inits) {
      p.reject(new Error('superseded'));
      this.#inits.delete(k);
    }
    this.#latestInit = id;
    return new Promise((resolve, reject) => {
      this.#inits.set(id, { resolve, reject });
      // Points are copied (structured clone): the caller keeps its array.
      this.#post({ type: 'init', id, ...opts });
    });
  }

  get latestInit(): number {
    return this.#latestInit;
  }

  start() {
    this.#post({ type: 'start' });
  }
  pause() {
    this.#post({ type: 'pause' });
  }
  /** Fresh weights from the init seed, step 0, paused. */
  reset() {
    this.#post({ type: 'reset' });
  }
  set(opts: { lr?: number; batch?: number; maxSteps?: number }) {
    this.#post({ type: 'set', ...opts });
  }
  /** Ask for one progress message now (e.g. after mounting a second view). */
  snapshot() {
    this.#post({ type: 'snapshot' });
  }

  /** DDPM samples from the current weights (training pauses while they are drawn, then resumes). */
  sample(req: SampleRequest): Promise<SamplesMsg> {
    const id = ++this.#id;
    return new Promise((resolve, reject) => {
      this.#samples.set(id, { resolve, reject });
      this.#post({ type: 'sample', id, ...req });
    });
  }

  dispose() {
    this.worker.terminate();
    const err = new Error('disposed');
    for (const p of [...this.#inits.values(), ...this.#samples.values()]) p.reject(err);
    this.#inits.clear();
    this.#samples.clear();
  }
}

/**
 * A loss curve that stays small however long training runs: per-step losses are averaged into
 * bins of `width` steps, and when there are more than `maxBins` bins, neighbours merge and the
 * width doubles. `x` is the step at each bin's centre.
 */
export class LossHistory {
  width = 1;
  x: number[] = [];
  y: number[] = [];
  #sum = 0;
  #count = 0;
  #steps = 0;

  constructor(readonly maxBins = 400) {}

  clear() {
    this.width = 1;
    this.x = [];
    this.y = [];
    this.#sum = 0;
    this.#count = 0;
    this.#steps = 0;
  }

  get steps(): number {
    return this.#steps;
  }

  push(chunk: ArrayLike<number>) {
    for (let i = 0; i < chunk.length; i++) {
      const v = chunk[i];
      this.#steps++;
      if (!Number.isFinite(v)) continue;
      this.#sum += v;
      this.#count++;
      if (this.#count >= this.width) this.#flush();
    }
    while (this.x.length > this.maxBins) this.#merge();
  }

  #flush() {
    this.x.push(this.#steps - this.#count / 2);
    this.y.push(this.#sum / this.#count);
    this.#sum = 0;
    this.#count = 0;
  }

  #merge() {
    const x: number[] = [], y: number[] = [];
    for (let i = 0; i + 1 < this.x.length; i += 2) {
      x.push((this.x[i] + this.x[i + 1]) / 2);
      y.push((this.y[i] + this.y[i + 1]) / 2);
    }
    if (this.x.length % 2) {
      x.push(this.x[this.x.length - 1]);
      y.push(this.y[this.y.length - 1]);
    }
    this.x = x;
    this.y = y;
    this.width *= 2;
  }
}
