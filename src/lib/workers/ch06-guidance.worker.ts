// Chapter 6: guided sampling and the accuracy/diversity-vs-w sweep, off the main thread.
// { kind: 'sample' } → one recorded run (every state from x_T to x_0);
// { kind: 'sweep' }  → one SweepPoint per w, each posted as progress as soon as it is done.
import { runSample, sweepPoint, type SampleRequest, type SweepRequest } from '$lib/figures/ch06/guidance-run';

const post = (msg: unknown, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);

self.onmessage = (e: MessageEvent<{ id: number; req: SampleRequest | SweepRequest }>) => {
  const { id, req } = e.data;
  try {
    if (req.kind === 'sample') {
      const r = runSample(req);
      post({ id, result: r }, [r.states.buffer, r.ts.buffer, r.assigned.buffer, r.nearest.buffer]);
    } else if (req.kind === 'sweep') {
      const t0 = performance.now();
      const points = [];
      for (let i = 0; i < req.ws.length; i++) {
        const p = sweepPoint(req, req.ws[i]);
        points.push(p);
        post({ id, progress: { done: i + 1, total: req.ws.length, point: p } });
      }
      post({ id, result: { points, ms: performance.now() - t0 } });
    } else {
      throw new Error(`unknown request ${JSON.stringify((req as { kind?: unknown }).kind)}`);
    }
  } catch (err) {
    post({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
