// Figure state in the URL, so a link reproduces what the reader sees.
//
// Each figure owns a prefix ("fwd" → ?fwd.t=500&fwd.sched=cosine). Values that equal
// their default are left out of the URL. A malformed or out-of-range value falls back to
// its default and leaves a human-readable note that the figure shows; it never throws.

import { replaceState } from '$app/navigation';
import { page } from '$app/state';

export type ParamSpec =
  | { kind: 'int'; min: number; max: number; default: number }
  | { kind: 'float'; min: number; max: number; default: number; digits?: number }
  | { kind: 'enum'; values: readonly string[]; default: string }
  | { kind: 'bool'; default: boolean };

export type Schema = Record<string, ParamSpec>;
export type Values<S extends Schema> = {
  [K in keyof S]: S[K] extends { kind: 'bool' } ? boolean : S[K] extends { kind: 'enum' } ? string : number;
};

export function defaults<S extends Schema>(schema: S): Values<S> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(schema)) out[k] = spec.default;
  return out as Values<S>;
}

function describe(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'int':
      return `a whole number from ${spec.min} to ${spec.max}`;
    case 'float':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'bool':
      return '0 or 1';
  }
}

/** Parse one raw string against its spec: the value, or an error message. */
export function parseParam(spec: ParamSpec, raw: string): { ok: true; value: unknown } | { ok: false } {
  switch (spec.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return { ok: false };
      const v = Number(raw);
      return v >= spec.min && v <= spec.max ? { ok: true, value: v } : { ok: false };
    }
    case 'float': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v) || v < spec.min || v > spec.max) return { ok: false };
      return { ok: true, value: v };
    }
    case 'enum':
      return spec.values.includes(raw) ? { ok: true, value: raw } : { ok: false };
    case 'bool':
      if (raw === '1' || raw === 'true') return { ok: true, value: true };
      if (raw === '0' || raw === 'false') return { ok: true, value: false };
      return { ok: false };
  }
}

export function formatParam(spec: ParamSpec, value: unknown): string {
  switch (spec.kind) {
    case 'bool':
      return value ? '1' : '0';
    case 'float':
      return String(Number((value as number).toFixed(spec.digits ?? 3)));
    default:
      return String(value);
  }
}

/** Read a figure's values from URLSearchParams; invalid entries become defaults plus a note. */
export function readParams<S extends Schema>(
  prefix: string,
  schema: S,
  params: URLSearchParams
): { values: Values<S>; notes: string[] } {
  const values = defaults(schema) as Record<string, unknown>;
  const notes: string[] = [];
  for (const [k, spec] of Object.entries(schema)) {
    const raw = params.get(`${prefix}.${k}`);
    if (raw === null) continue;
    const r = parseParam(spec, raw);
    if (r.ok) values[k] = r.value;
    else {
      const shown = raw.length > 40 ? raw.slice(0, 40) + '…' : raw;
      notes.push(`Ignored “${prefix}.${k}=${shown}” from the link: expected ${describe(spec)}. Using ${formatParam(spec, spec.default)}.`);
    }
  }
  return { values: values as Values<S>, notes };
}

/** Write a figure's non-default values into a copy of `url` (other figures' params are kept). */
export function writeParams<S extends Schema>(prefix: string, schema: S, values: Values<S>, url: URL): URL {
  const u = new URL(url);
  for (const [k, spec] of Object.entries(schema)) {
    const key = `${prefix}.${k}`;
    const v = (values as Record<string, unknown>)[k];
    if (v === spec.default) u.searchParams.delete(key);
    else u.searchParams.set(key, formatParam(spec, v));
  }
  return u;
}

/**
 * Reactive figure state bound to the URL. Create it during component initialisation:
 *   const state = new UrlState('fwd', { t: { kind: 'int', min: 0, max: 1000, default: 250 } });
 *   state.values.t   // read and assign like any $state
 * Call state.load() in onMount (prerendered pages have no query string at build time).
 */
export class UrlState<S extends Schema> {
  values: Values<S> = $state() as Values<S>;
  notes: string[] = $state([]);
  loaded = $state(false);
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly prefix: string,
    readonly schema: S
  ) {
    this.values = defaults(schema);
    $effect(() => {
      // Track every value, then write the URL shortly after the last change.
      const snapshot = JSON.stringify(this.values);
      if (!this.loaded) return;
      void snapshot;
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => this.sync(), 150);
      return () => clearTimeout(this.#timer);
    });
  }

  load(url: URL = new URL(window.location.href)) {
    const { values, notes } = readParams(this.prefix, this.schema, url.searchParams);
    // In place, so code that kept a reference (const v = fs.values) sees the loaded values.
    Object.assign(this.values, values);
    this.notes = notes;
    this.loaded = true;
  }

  reset() {
    Object.assign(this.values, defaults(this.schema));
  }

  /** The current URL with this figure's state and an anchor to the figure. */
  link(anchor?: string): string {
    const u = writeParams(this.prefix, this.schema, this.values, new URL(window.location.href));
    if (anchor) u.hash = anchor;
    return u.toString();
  }

  sync() {
    const current = new URL(window.location.href);
    const next = writeParams(this.prefix, this.schema, $state.snapshot(this.values) as Values<S>, current);
    if (next.search === current.search) return;
    try {
      replaceState(next, page.state);
    } catch {
      history.replaceState(history.state, '', next);
    }
  }
}
