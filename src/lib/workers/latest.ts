// "Latest request wins" over one dedicated Web Worker, for figures whose controls can change while
// a computation runs. The page side: `new LatestWorker(() => new Worker(new URL(...), { type: 'module' }))`,
// then `await client.latest(req, onprogress)`. If an older request is still running, that worker is
// terminated (its answer would be stale), its promise rejects with SUPERSEDED, and a fresh worker
// takes the new request. The worker side: `serveLatest((req, progress) => ({ result, transfer }))`.
//
// Messages: page → worker { id, req }; worker → page { id, progress: P } (any number; serveLatest sends [done, total]),
// then { id, result } or { id, error }.

export const SUPERSEDED = 'superseded';

/** True for the rejection of a request that a newer one replaced (not an error to show). */
export const isSuperseded = (e: unknown) => e instanceof Error && (e.message === SUPERSEDED || e.message === 'disposed');

/** P: what a progress message carries (default [done, total]). */
export class LatestWorker<Req, Res, P = [number, number]> {
  #worker: Worker | null = null;
  #busy = false;
  #id = 0;
  #reject: ((e: Error) => void) | null = null;

  constructor(
    private readonly spawn: () => Worker,
    /** Said when the worker itself fails (e.g. it could not be loaded). */
    private readonly what = 'The worker'
  ) {}

  latest(req: Req, onprogress?: (p: P) => void, transfer: Transferable[] = []): Promise<Res> {
    if (this.#busy && this.#worker) {
      this.#worker.terminate();
      this.#worker = null;
      this.#reject?.(new Error(SUPERSEDED));
    }
    if (!this.#worker) this.#worker = this.spawn();
    const w = this.#worker;
    const id = ++this.#id;
    this.#busy = true;
    return new Promise<Res>((resolve, reject) => {
      this.#reject = reject;
      w.onmessage = (e: MessageEvent) => {
        const d = e.data;
        if (d.id !== id) return;
        if (d.progress) {
          onprogress?.(d.progress as P);
          return;
        }
        this.#busy = false;
        this.#reject = null;
        if (d.error) reject(new Error(d.error));
        else resolve(d.result as Res);
      };
      w.onerror = (e) => {
        e.preventDefault?.();
        this.#busy = false;
        this.#reject = null;
        this.#worker?.terminate();
        this.#worker = null;
        reject(new Error(e.message || `${this.what} failed.`));
      };
      w.postMessage({ id, req }, transfer);
    });
  }

  dispose() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#reject?.(new Error('disposed'));
    this.#reject = null;
    this.#busy = false;
  }
}

/** The worker side: answer each { id, req } with handler's result; progress is throttled to ~10 Hz. */
export function serveLatest<Req>(
  handler: (req: Req, progress: (done: number, total: number) => void) => { result: unknown; transfer?: Transferable[] } | Promise<{ result: unknown; transfer?: Transferable[] }>
): void {
  const scope = self as unknown as Worker;
  scope.onmessage = async (e: MessageEvent<{ id: number; req: Req }>) => {
    const { id, req } = e.data;
    let last = 0;
    const progress = (done: number, total: number) => {
      const now = performance.now();
      if (now - last > 100 || done === total) {
        last = now;
        scope.postMessage({ id, progress: [done, total] });
      }
    };
    try {
      const { result, transfer = [] } = await handler(req, progress);
      scope.postMessage({ id, result }, transfer);
    } catch (err) {
      scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  };
}
