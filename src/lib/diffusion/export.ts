// Text formats for downloading 2D samples and trajectories (pure; used by figures and tests).
//   samplesCSV:     header "x1,x2[,label]", one row per point.
//   trajectoryCSV:  header "step,t,point,x1,x2", one row per (recorded step, point).
//   trajectoryJSON: { format, T?, t: [...], n, steps: [[x1, x2, x1, x2, ...], ...], meta }.

const f = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : 'NaN');

/** CSV of n 2D points (interleaved xy), with an optional integer label column. */
export function samplesCSV(xy: Float32Array | number[], labels?: ArrayLike<number>, labelName = 'label'): string {
  const n = xy.length >> 1;
  const rows = [labels ? `x1,x2,${labelName}` : 'x1,x2'];
  for (let i = 0; i < n; i++) rows.push(labels ? `${f(xy[2 * i])},${f(xy[2 * i + 1])},${labels[i]}` : `${f(xy[2 * i])},${f(xy[2 * i + 1])}`);
  return rows.join('\n') + '\n';
}

/** CSV of a recorded trajectory: states[k] holds all points at time ts[k]. */
export function trajectoryCSV(states: Float32Array[], ts: ArrayLike<number>): string {
  if (states.length !== ts.length) throw new Error(`trajectoryCSV: ${states.length} states but ${ts.length} times`);
  const rows = ['step,t,point,x1,x2'];
  states.forEach((s, k) => {
    for (let i = 0, n = s.length >> 1; i < n; i++) rows.push(`${k},${ts[k]},${i},${f(s[2 * i])},${f(s[2 * i + 1])}`);
  });
  return rows.join('\n') + '\n';
}

export interface TrajectoryJSON {
  format: 'diffusion-explorables/trajectory@1';
  n: number;
  t: number[];
  steps: number[][];
  meta: Record<string, unknown>;
}

/** JSON-ready trajectory: one flat [x1, x2, x1, x2, …] array per recorded time. */
export function trajectoryJSON(states: Float32Array[], ts: ArrayLike<number>, meta: Record<string, unknown> = {}): TrajectoryJSON {
  if (states.length !== ts.length) throw new Error(`trajectoryJSON: ${states.length} states but ${ts.length} times`);
  return {
    format: 'diffusion-explorables/trajectory@1',
    n: states.length ? states[0].length >> 1 : 0,
    t: Array.from(ts),
    steps: states.map((s) => Array.from(s, (v) => Number(v.toPrecision(6)))),
    meta
  };
}
