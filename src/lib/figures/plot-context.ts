// Shared scales and a canvas-layer registry, in the spirit of Layer Cake: a Plot2D owns the
// scales; small layer components draw into its canvas (particles, arrows) or its SVG overlay.
import { getContext, setContext } from 'svelte';
import type { ScaleLinear } from 'd3-scale';

export interface CanvasLayer {
  order: number;
  draw(ctx: CanvasRenderingContext2D, plot: PlotContext): void;
}

export interface PlotContext {
  readonly x: ScaleLinear<number, number>;
  readonly y: ScaleLinear<number, number>;
  readonly width: number;
  readonly height: number;
  register(layer: CanvasLayer): () => void;
  invalidate(): void;
  /** Pointer position in data coordinates. */
  toData(clientX: number, clientY: number): [number, number];
}

const KEY = Symbol('plot2d');
export const setPlot = (p: PlotContext) => setContext(KEY, p);
export const getPlot = () => getContext<PlotContext>(KEY);
