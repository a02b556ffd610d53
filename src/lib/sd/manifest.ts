// The model manifest of a Stable-Diffusion-shaped ONNX stack: what diffusers spreads over
// model_index.json, scheduler_config.json and the tokenizer folder, in one typed JSON file.
// models/shapesworld/manifest.json (the embedded mini models) follows it, and so will a manifest
// for real SD exports later; the browser pipeline reads only this, never hard-coded shapes.
//
// Pure TypeScript (no DOM, no onnxruntime import): types, a validator, a loader given a fetch-like
// function, the schedule derived from the scheduler config, DDIM step helpers, and a check of
// an ONNX session's declared inputs/outputs against the manifest.

import { linearBetas, scheduleFromBetas } from '../diffusion/schedules';
import { ddimJump, timesteps } from '../diffusion/samplers';
export type DType = 'float32' | 'float16' | 'int32' | 'int64';
/** A dimension: a number, or a symbolic name such as "batch". */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: Dim[];
}

export interface ModelEntry {
  /** Path relative to the manifest. */
  file: string;
  bytes: number;
  sha256: string;
  params?: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export type ModelRole = 'text_encoder' | 'image_encoder' | 'vae_encoder' | 'vae_decoder' | 'unet';
export const REQUIRED_ROLES: ModelRole[] = ['text_encoder', 'vae_decoder', 'unet'];

export interface SchedulerConfig {
  _class_name: string;
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: 'scaled_linear' | 'linear';
  prediction_type: 'epsilon' | 'v_prediction';
  set_alpha_to_one: boolean;
  steps_offset: number;
  timestep_spacing: 'leading' | 'trailing' | 'linspace';
  clip_sample: boolean;
}

export interface WordTokenizerConfig {
  type: 'word-level';
  vocab_file: string;
  vocab_size: number;
  sha256?: string;
  lowercase: boolean;
  /** Regular expression (source) matching one word after lower-casing. */
  word_pattern: string;
  max_length: number;
  bos_token_id: number;
  eos_token_id: number;
  pad_token_id: number;
  unk_token_id: number;
  layout?: string;
}

export interface SdManifest {
  name: string;
  version: number;
  description?: string;
  image: { height: number; width: number; channels: number; layout: 'NCHW'; range: [number, number] };
  latent: { channels: number; height: number; width: number; downsample: number; scaling_factor: number };
  text: { max_length: number; hidden_size: number; embed_dim: number };
  tokenizer: WordTokenizerConfig;
  scheduler: SchedulerConfig;
  guidance: { formula: string; uncond_prompt: string; default_scale: number; default_steps: number };
  models: Partial<Record<ModelRole, ModelEntry>> & Record<string, ModelEntry>;
  training?: Record<string, { steps: number; seconds: number }>;
  total_bytes?: number;
}

// ---------------------------------------------------------------------------------------------
// Validation

const DTYPES = new Set(['float32', 'float16', 'int32', 'int64']);

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function checkSpec(s: unknown, where: string, errors: string[]): void {
  if (!isObj(s)) return void errors.push(`${where}: not an object`);
  if (typeof s.name !== 'string' || !s.name) errors.push(`${where}: missing name`);
  if (typeof s.dtype !== 'string' || !DTYPES.has(s.dtype)) errors.push(`${where}: bad dtype ${String(s.dtype)}`);
  if (!Array.isArray(s.shape) || !s.shape.every((d) => typeof d === 'string' || (Number.isInteger(d) && d > 0)))
    errors.push(`${where}: bad shape`);
}

/** All problems found in a parsed manifest (empty when valid). */
export function validateManifest(m: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(m)) return ['manifest is not an object'];
  for (const k of ['name', 'image', 'latent', 'text', 'tokenizer', 'scheduler', 'guidance', 'models'])
    if (!(k in m)) errors.push(`missing "${k}"`);
  if (errors.length) return errors;
  const lat = m.latent as Record<string, unknown>;
  if (!(typeof lat.scaling_factor === 'number' && lat.scaling_factor > 0)) errors.push('latent.scaling_factor must be > 0');
  const s = m.scheduler as Record<string, unknown>;
  if (!(Number.isInteger(s.num_train_timesteps) && (s.num_train_timesteps as number) > 0))
    errors.push('scheduler.num_train_timesteps');
  if (!(typeof s.beta_start === 'number' && typeof s.beta_end === 'number' && s.beta_start < s.beta_end))
    errors.push('scheduler betas');
  const t = m.tokenizer as Record<string, unknown>;
  for (const k of ['bos_token_id', 'eos_token_id', 'pad_token_id', 'unk_token_id', 'max_length', 'vocab_size'])
    if (!Number.isInteger(t[k])) errors.push(`tokenizer.${k}`);
  const models = m.models as Record<string, unknown>;
  for (const r of REQUIRED_ROLES) if (!(r in models)) errors.push(`models.${r} missing`);
  for (const [role, e] of Object.entries(models)) {
    if (!isObj(e)) {
      errors.push(`models.${role}: not an object`);
      continue;
    }
    if (typeof e.file !== 'string') errors.push(`models.${role}.file`);
    if (!(Number.isInteger(e.bytes) && (e.bytes as number) > 0)) errors.push(`models.${role}.bytes`);
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) errors.push(`models.${role}.sha256`);
    if (!Array.isArray(e.inputs) || !Array.isArray(e.outputs)) errors.push(`models.${role}: inputs/outputs`);
    else {
      e.inputs.forEach((x, i) => checkSpec(x, `models.${role}.inputs[${i}]`, errors));
      e.outputs.forEach((x, i) => checkSpec(x, `models.${role}.outputs[${i}]`, errors));
    }
  }
  return errors;
}

export function parseManifest(json: unknown): SdManifest {
  const errors = validateManifest(json);
  if (errors.length) throw new Error(`invalid SD manifest: ${errors.join('; ')}`);
  return json as SdManifest;
}

type FetchLike = (url: string) => Promise<{ ok: boolean; status?: number; json(): Promise<unknown>; arrayBuffer(): Promise<ArrayBuffer> }>;

/** Fetch and validate a manifest; returns it with a resolver for its relative file paths. */
export async function loadManifest(
  url: string,
  fetchFn: FetchLike = fetch as unknown as FetchLike
): Promise<{ manifest: SdManifest; resolve: (file: string) => string }> {
  const res = await fetchFn(url);
  if (!res.ok) throw new Error(`manifest ${url}: HTTP ${res.status}`);
  const manifest = parseManifest(await res.json());
  const base = url.slice(0, url.lastIndexOf('/') + 1);
  return { manifest, resolve: (file) => base + file };
}

/** SHA-256 hex of bytes with WebCrypto (browsers, Node ≥ 20). */
export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const buf = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const digest = await crypto.subtle.digest('SHA-256', buf as unknown as ArrayBuffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Check the bytes of a model file against its manifest entry (size and sha256). */
export async function verifyModelBytes(entry: ModelEntry, bytes: ArrayBuffer | Uint8Array): Promise<string[]> {
  const errs: string[] = [];
  if (bytes.byteLength !== entry.bytes) errs.push(`${entry.file}: ${bytes.byteLength} bytes, manifest says ${entry.bytes}`);
  const h = await sha256Hex(bytes);
  if (h !== entry.sha256) errs.push(`${entry.file}: sha256 ${h} ≠ ${entry.sha256}`);
  return errs;
}

/** Compare an onnxruntime session's inputNames/outputNames with the manifest entry. */
export function checkSessionIO(entry: ModelEntry, session: { inputNames: readonly string[]; outputNames: readonly string[] }): string[] {
  const errs: string[] = [];
  const want = (xs: TensorSpec[]) => xs.map((x) => x.name).join(',');
  if (want(entry.inputs) !== session.inputNames.join(',')) errs.push(`inputs ${session.inputNames} ≠ ${want(entry.inputs)}`);
  if (want(entry.outputs) !== session.outputNames.join(',')) errs.push(`outputs ${session.outputNames} ≠ ${want(entry.outputs)}`);
  return errs;
}

/** Resolve a spec's shape with named dimensions bound (e.g. {batch: 2}). */
export function concreteShape(spec: TensorSpec, dims: Record<string, number>): number[] {
  return spec.shape.map((d) => {
    if (typeof d === 'number') return d;
    if (!(d in dims)) throw new Error(`unbound dimension ${d} in ${spec.name}`);
    return dims[d];
  });
}

// ---------------------------------------------------------------------------------------------
// Tokenizer from the manifest + vocab file

export function makeWordTokenizer(cfg: WordTokenizerConfig, vocab: string[]): (text: string) => Int32Array {
  const ids = new Map(vocab.map((w, i) => [w, i]));
  const re = new RegExp(cfg.word_pattern, 'g');
  return (text: string) => {
    const out = new Int32Array(cfg.max_length).fill(cfg.pad_token_id);
    const words = ((cfg.lowercase ? text.toLowerCase() : text).match(re) ?? []).slice(0, cfg.max_length - 2);
    out[0] = cfg.bos_token_id;
    words.forEach((w, i) => (out[i + 1] = ids.get(w) ?? cfg.unk_token_id));
    out[words.length + 1] = cfg.eos_token_id;
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Schedule and DDIM, as diffusers' DDIMScheduler with the manifest's config

/**
 * ᾱ for diffusers' index i = 0 … T−1 (our t = i + 1), from the engine's schedule code: accumulated
 * in float64 and rounded to float32, like diffusers.
 */
export function alphasCumprod(s: SchedulerConfig): Float64Array {
  const T = s.num_train_timesteps;
  const sched = scheduleFromBetas(
    s.beta_schedule === 'scaled_linear' ? 'scaled-linear' : 'linear',
    linearBetas(T, s.beta_start, s.beta_end, s.beta_schedule === 'scaled_linear')
  );
  const out = new Float64Array(T);
  for (let i = 0; i < T; i++) out[i] = Math.fround(sched.alphaBar[i + 1]);
  return out;
}

/**
 * Inference timesteps, descending, in diffusers' numbering (0 … T−1): the engine's spacings (which
 * count t = 1 … T) shifted down by one, plus steps_offset for 'leading' as DDIMScheduler does
 * (SD's config: leading, offset 1 → 961, 921, …, 1 for 25 steps).
 */
export function ddimTimesteps(s: SchedulerConfig, steps: number): number[] {
  const offset = s.timestep_spacing === 'leading' ? s.steps_offset : 0;
  return Array.from(timesteps(s.num_train_timesteps, steps, s.timestep_spacing), (t) => t - 1 + offset);
}

/** One deterministic DDIM step (η = 0, ε-prediction) in place, with the engine's DDIM coefficients. */
export function ddimStep(
  s: SchedulerConfig,
  ac: Float64Array,
  x: Float32Array,
  eps: Float32Array,
  t: number,
  steps: number
): void {
  const prev = t - Math.floor(s.num_train_timesteps / steps);
  const aP = prev >= 0 ? ac[prev] : s.set_alpha_to_one ? 1 : ac[0];
  const { cx, ce } = ddimJump(ac[t], aP);
  for (let i = 0; i < x.length; i++) x[i] = cx * x[i] + ce * eps[i];
}

/** Classifier-free guidance: ε̃ = ε_∅ + w (ε_c − ε_∅), from a batch [uncond…, cond…]. */
export function guide(eps: Float32Array, w: number): Float32Array {
  const n = eps.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = eps[i] + w * (eps[n + i] - eps[i]);
  return out;
}
