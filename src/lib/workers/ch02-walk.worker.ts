// Chapter 2: walks a cloud from t = 0 to T off the main thread, keeping checkpoints that the page
// replays from, and compares the walk with the closed-form jump (see src/lib/figures/ch02/walk.ts).
import { createWalkService, type ToService } from '$lib/figures/ch02/walk';

const post = (msg: unknown, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(msg, transfer);
const handle = createWalkService(post);
self.onmessage = (e: MessageEvent<ToService>) => handle(e.data);
