// Pre-trained default networks: models/mlp/<name>.json, made by `npm run models:defaults`.
//
//   const mlp = await loadPretrained('spiral');   // MLP, or a rejected promise with a clear message
//
// The JSON files are fetched at run time (Vite `?url` imports: the build copies each file as an
// asset and gives us its URL), so no weights end up inside the page's JavaScript. A glob is used
// instead of one static import per file so the site still builds while models/mlp/ is empty or
// partial; asking for a missing model then fails with a message saying so.
import { MLP } from '$lib/diffusion/mlp';

const files = import.meta.glob('/models/mlp/*.json', { query: '?url', import: 'default', eager: true }) as Record<string, string>;

/** name → URL of its JSON file in the build. */
const urls: Record<string, string> = {};
for (const [path, url] of Object.entries(files)) {
  const m = /\/([^/]+)\.json$/.exec(path);
  if (m) urls[m[1]] = url;
}

/** Names of the pre-trained networks in this build (e.g. 'spiral', 'moons'). */
export function pretrainedNames(): string[] {
  return Object.keys(urls).sort();
}

export function hasPretrained(name: string): boolean {
  return name in urls;
}

/** The URL the JSON for `name` is served from, or undefined if this build has none. */
export function pretrainedUrl(name: string): string | undefined {
  return urls[name];
}

export class PretrainedError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'network' | 'format'
  ) {
    super(message);
    this.name = 'PretrainedError';
  }
}

const jsonCache = new Map<string, Promise<unknown>>();

/**
 * The raw JSON of a pre-trained network (cached per name). Useful to hand the weights to a
 * worker without building the MLP on the main thread.
 */
export function loadPretrainedJSON(name: string, fetcher: typeof fetch = fetch): Promise<unknown> {
  let p = jsonCache.get(name);
  if (!p) {
    p = fetchJSON(name, fetcher);
    jsonCache.set(name, p);
    // A failed download may succeed later (e.g. the reader was briefly offline): don't cache failures.
    p.catch(() => jsonCache.delete(name));
  }
  return p;
}

async function fetchJSON(name: string, fetcher: typeof fetch): Promise<unknown> {
  const url = urls[name];
  if (!url) {
    const have = pretrainedNames();
    throw new PretrainedError(
      `No pre-trained network for “${name}” in this build (models/mlp/${name}.json is missing). ` +
        (have.length ? `Available: ${have.join(', ')}.` : 'No pre-trained networks have been built yet (run `npm run models:defaults`).'),
      'missing'
    );
  }
  let res: Response;
  try {
    res = await fetcher(url);
  } catch (e) {
    throw new PretrainedError(`Could not download the pre-trained “${name}” network (${(e as Error).message || 'network error'}).`, 'network');
  }
  if (!res.ok) {
    throw new PretrainedError(`Could not download the pre-trained “${name}” network: the server answered ${res.status} ${res.statusText}.`.trim(), 'network');
  }
  try {
    return await res.json();
  } catch {
    throw new PretrainedError(`The pre-trained “${name}” network file is not valid JSON.`, 'format');
  }
}

/** Load models/mlp/<name>.json as an MLP. Rejects with a PretrainedError whose message can be shown to readers. */
export async function loadPretrained(name: string, fetcher: typeof fetch = fetch): Promise<MLP> {
  const json = await loadPretrainedJSON(name, fetcher);
  try {
    return MLP.fromJSON(json as Parameters<typeof MLP.fromJSON>[0]);
  } catch (e) {
    throw new PretrainedError(`The pre-trained “${name}” network file is malformed: ${(e as Error).message}`, 'format');
  }
}
