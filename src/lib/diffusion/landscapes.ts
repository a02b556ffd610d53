// Fitness landscapes for Chapter 7 (Diffusion Evolution): 2D functions to MAXIMISE, each with
// its known optima listed so tests and figures can count which peaks a population holds.
//
// Every landscape lives on the same square, x ∈ [−1.5, 1.5]² (a little wider than the
// two-pixel model space [−1, 1]²), with fitness ≈ 1 at the global optimum and ≈ 0 at the worst
// points of the square. Rastrigin and Ackley are the classic test functions (to MINIMISE) turned
// upside down and rescaled: the plot's coordinate x maps to the function's own coordinate
// u = k (x − c), so the pattern of local optima fits in the plot and the global optimum sits at
// c, deliberately off the origin where the initial population is centred.
//
// Pure TypeScript: no DOM, no randomness.

export type LandscapeName = 'multipeak' | 'rastrigin' | 'ackley';

export interface Optimum {
  x: number;
  y: number;
  /** Fitness at the optimum. */
  f: number;
  global: boolean;
}

export interface Landscape {
  name: LandscapeName;
  label: string;
  description: string;
  /** The plotted square: both axes span [lo, hi]. */
  domain: [number, number];
  /** The initial population is x_T ~ N(0, scale² I): pure noise at the landscape's size. */
  scale: number;
  /** Fitness at (x, y); higher is better. */
  f(x: number, y: number): number;
  /** Known optima: the global maximum first, then local maxima, each refined numerically. */
  optima: Optimum[];
  /** Radius within which an individual counts as sitting on an optimum. */
  peakRadius: number;
  /**
   * Suggested temperature τ for Diffusion Evolution's fitness map g(f) = exp(f/τ): high enough to
   * keep several peaks, low enough to climb them. Rastrigin's and Ackley's neighbouring peaks differ
   * by about 0.01 in fitness, so they need a colder τ than the four hills.
   */
  temperature: number;
}

export const DOMAIN: [number, number] = [-1.5, 1.5];

/** Polish a local maximum with a compass (pattern) search: deterministic and derivative-free. */
export function refineMaximum(f: (x: number, y: number) => number, x: number, y: number, step = 0.02): [number, number] {
  let best = f(x, y);
  let h = step;
  for (let iter = 0; iter < 2000 && h > 1e-10; iter++) {
    let moved = false;
    for (const [dx, dy] of [[h, 0], [-h, 0], [0, h], [0, -h]] as const) {
      const v = f(x + dx, y + dy);
      if (v > best) {
        best = v;
        x += dx;
        y += dy;
        moved = true;
        break;
      }
    }
    if (!moved) h /= 2;
  }
  return [x, y];
}

function withOptima(
  base: Omit<Landscape, 'optima'>,
  guesses: [number, number][],
  step: number
): Landscape {
  const optima: Optimum[] = guesses.map(([gx, gy], i) => {
    const [x, y] = refineMaximum(base.f, gx, gy, step);
    return { x, y, f: base.f(x, y), global: i === 0 };
  });
  return { ...base, optima };
}

// ---------------------------------------------------------------- multi-peak

/** Four Gaussian bumps of different heights: the tallest is the global optimum. */
export const PEAKS: ReadonlyArray<{ x: number; y: number; h: number; w: number }> = [
  { x: -0.8, y: 0.75, h: 1.0, w: 0.25 },
  { x: 0.85, y: 0.8, h: 0.95, w: 0.25 },
  { x: 0.8, y: -0.75, h: 0.9, w: 0.25 },
  { x: -0.75, y: -0.8, h: 0.85, w: 0.25 }
];

function multipeak(x: number, y: number): number {
  let s = 0;
  for (const p of PEAKS) {
    const dx = x - p.x, dy = y - p.y;
    s += p.h * Math.exp(-(dx * dx + dy * dy) / (2 * p.w * p.w));
  }
  return s;
}

// ---------------------------------------------------------------- Rastrigin

/** Plot → Rastrigin coordinates: u = k (x − c). */
export const RASTRIGIN = { k: 3.2, cx: 0.35, cy: 0.25, ref: 80 } as const;

/** The standard 2D Rastrigin function (minimum 0 at u = 0). */
export function rastriginRaw(u: number, v: number): number {
  return 20 + u * u - 10 * Math.cos(2 * Math.PI * u) + v * v - 10 * Math.cos(2 * Math.PI * v);
}

function rastrigin(x: number, y: number): number {
  const { k, cx, cy, ref } = RASTRIGIN;
  return 1 - rastriginRaw(k * (x - cx), k * (y - cy)) / ref;
}

// ---------------------------------------------------------------- Ackley

export const ACKLEY = { k: 3, cx: -0.3, cy: 0.35, ref: 14 } as const;

/** The standard 2D Ackley function (minimum 0 at u = 0). */
export function ackleyRaw(u: number, v: number): number {
  const r = Math.sqrt(0.5 * (u * u + v * v));
  const c = 0.5 * (Math.cos(2 * Math.PI * u) + Math.cos(2 * Math.PI * v));
  return -20 * Math.exp(-0.2 * r) - Math.exp(c) + Math.E + 20;
}

function ackley(x: number, y: number): number {
  const { k, cx, cy, ref } = ACKLEY;
  return 1 - ackleyRaw(k * (x - cx), k * (y - cy)) / ref;
}

/** Lattice guesses for the local optima nearest the global one: c + (i, j)/k, global first. */
function lattice(k: number, cx: number, cy: number): [number, number][] {
  const out: [number, number][] = [[cx, cy]];
  for (let j = -1; j <= 1; j++)
    for (let i = -1; i <= 1; i++) if (i !== 0 || j !== 0) out.push([cx + i / k, cy + j / k]);
  return out;
}

export const LANDSCAPES: Record<LandscapeName, Landscape> = {
  multipeak: withOptima(
    {
      name: 'multipeak',
      label: 'Four peaks',
      description: 'Four Gaussian hills of heights 1, 0.95, 0.9 and 0.85, one in each quadrant.',
      domain: DOMAIN,
      scale: 1,
      f: multipeak,
      peakRadius: 0.2,
      temperature: 0.2
    },
    PEAKS.map((p) => [p.x, p.y] as [number, number]),
    0.02
  ),
  rastrigin: withOptima(
    {
      name: 'rastrigin',
      label: 'Rastrigin',
      description: `Rastrigin’s function, upside down: an egg-box of about a hundred local peaks on a bowl, the highest at (${RASTRIGIN.cx}, ${RASTRIGIN.cy}).`,
      domain: DOMAIN,
      scale: 1,
      f: rastrigin,
      peakRadius: 0.1,
      temperature: 0.02
    },
    lattice(RASTRIGIN.k, RASTRIGIN.cx, RASTRIGIN.cy),
    0.01
  ),
  ackley: withOptima(
    {
      name: 'ackley',
      label: 'Ackley',
      description: `Ackley’s function, upside down: a ripple of small local peaks around one sharp summit at (${ACKLEY.cx}, ${ACKLEY.cy}).`,
      domain: DOMAIN,
      scale: 1,
      f: ackley,
      peakRadius: 0.1,
      temperature: 0.05
    },
    lattice(ACKLEY.k, ACKLEY.cx, ACKLEY.cy),
    0.01
  )
};

export const LANDSCAPE_NAMES: LandscapeName[] = ['multipeak', 'rastrigin', 'ackley'];

export function getLandscape(name: LandscapeName): Landscape {
  const l = LANDSCAPES[name];
  if (!l) throw new Error(`Unknown landscape “${name}”: expected one of ${LANDSCAPE_NAMES.join(', ')}.`);
  return l;
}

/** The global optimum's fitness. */
export function globalMax(l: Landscape): number {
  return l.optima[0].f;
}

/** Fitness of n interleaved (x, y) points. */
export function fitnessOf(l: Landscape, pts: ArrayLike<number>, n: number, out = new Float32Array(n)): Float32Array {
  for (let i = 0; i < n; i++) out[i] = l.f(pts[2 * i], pts[2 * i + 1]);
  return out;
}

/**
 * The landscape sampled on a g×g grid over its domain, for heatmaps: row j (0 = bottom, y = lo)
 * and column i (0 = left, x = lo) at cell centres. Returns the values and their range.
 */
export function fitnessGrid(l: Landscape, g: number): { values: Float32Array; min: number; max: number } {
  const [lo, hi] = l.domain;
  const values = new Float32Array(g * g);
  let min = Infinity, max = -Infinity;
  for (let j = 0; j < g; j++) {
    const y = lo + ((j + 0.5) / g) * (hi - lo);
    for (let i = 0; i < g; i++) {
      const x = lo + ((i + 0.5) / g) * (hi - lo);
      const v = l.f(x, y);
      values[j * g + i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { values, min, max };
}
