// Chapter 3: an example drawing for the "Your drawing" dataset (for readers who cannot or would
// rather not draw): the classic parametric heart, as one closed stroke in model space.
export function heartStrokes(points = 120): [number, number][][] {
  const s: [number, number][] = [];
  for (let i = 0; i <= points; i++) {
    const th = (2 * Math.PI * i) / points;
    const x = 16 * Math.sin(th) ** 3;
    const y = 13 * Math.cos(th) - 5 * Math.cos(2 * th) - 2 * Math.cos(3 * th) - Math.cos(4 * th);
    s.push([+(x / 20).toFixed(4), +(y / 20 + 0.1).toFixed(4)]);
  }
  return [s];
}
