// Shared helpers for the end-to-end specs: which pages exist, and a watcher that records what a page
// should never do (log errors, throw, or talk to another host).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page, Request } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChapterEntry {
  number: number;
  slug: string;
  title: string;
  /** content/chapters/NN-<slug>.svx exists. */
  ready: boolean;
  /** '/chapters/<slug>/' */
  path: string;
}

/**
 * The table of contents as in src/lib/chapters.ts (CHAPTERS), read as text: that module uses
 * import.meta.glob, so it cannot be imported outside Vite. A chapter is ready when
 * content/chapters/NN-<slug>.svx exists, exactly as the site decides it.
 */
export function chapters(): ChapterEntry[] {
  const src = readFileSync(`${ROOT}src/lib/chapters.ts`, 'utf8');
  const list = src.slice(src.indexOf('CHAPTERS'));
  const re = /number:\s*(\d+)\s*,\s*slug:\s*(['"])([a-z0-9-]+)\2\s*,\s*title:\s*(['"])((?:\\.|(?!\4).)*)\4/g;
  const files = readdirSync(`${ROOT}content/chapters`);
  const readySlugs = new Set(
    files.map((f) => /^\d+-([a-z0-9-]+)\.svx$/.exec(f)?.[1]).filter((s): s is string => !!s)
  );
  const out: ChapterEntry[] = [];
  for (const m of list.matchAll(re)) {
    const slug = m[3];
    out.push({
      number: Number(m[1]),
      slug,
      title: m[5].replace(/\\(.)/g, '$1'),
      ready: readySlugs.has(slug),
      path: `/chapters/${slug}/`
    });
  }
  if (out.length === 0) throw new Error('could not read CHAPTERS from src/lib/chapters.ts');
  return out;
}

/** Ready chapters, in book order (the order of the previous/next navigation). */
export function readyChapters(): ChapterEntry[] {
  return chapters().filter((c) => c.ready);
}

/** Every prerendered page: home, notation, and each ready chapter. Trailing slashes, as the site uses. */
export function readyPages(): string[] {
  return ['/', '/notation/', ...readyChapters().map((c) => c.path)];
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True for URLs the site may load: this machine over http(s)/ws(s), data: and blob:. */
export function isLocalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
  if (['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return LOCAL_HOSTS.has(u.hostname);
  return false;
}

export interface PageWatch {
  /** Console errors (page and its workers) and uncaught exceptions, with where they came from. */
  errors: string[];
  /** Every request (and WebSocket) to a non-local URL. */
  external: string[];
  /** Every request the page made, in order; useful for further checks. */
  requests: Request[];
}

/** Start recording before page.goto. The arrays fill in as the page runs. */
export function watchPage(page: Page): PageWatch {
  const w: PageWatch = { errors: [], external: [], requests: [] };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const where = loc?.url ? ` (${loc.url}:${loc.lineNumber})` : '';
    w.errors.push(`console.error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => w.errors.push(`pageerror: ${err.stack ?? err.message}`));
  page.on('request', (req) => {
    w.requests.push(req);
    if (!isLocalUrl(req.url())) w.external.push(`${req.resourceType()} ${req.url()}`);
  });
  page.on('websocket', (ws) => {
    if (!isLocalUrl(ws.url())) w.external.push(`websocket ${ws.url()}`);
  });
  return w;
}

/** Wait until the network has been idle, then a short settle for late effects (rAF, timers). */
export async function settle(page: Page, ms = 250): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(ms);
}

/** Open a page with a watcher attached (console errors, outside requests), and let it settle. */
export async function openPage(page: Page, url: string): Promise<PageWatch> {
  const watch = watchPage(page);
  await page.goto(url);
  await settle(page);
  return watch;
}

/** The n-th canvas of a figure as a data URL, after the next redraw (Plot2D draws on animation frames). */
export async function pixels(fig: Locator, n = 0): Promise<string> {
  await fig.page().waitForTimeout(150);
  return fig.locator('canvas').nth(n).evaluate((c: HTMLCanvasElement) => c.toDataURL());
}

/** Set a range input as a drag would: the value, then input and change events. */
export async function slide(input: Locator, value: number): Promise<void> {
  await input.evaluate((el: HTMLInputElement, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, value);
}
