// Every benchmark, one after the other (numbers are printed and written to bench/results/*.json):
//   npm run bench      (builds the site first)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['engine (Node)', ['node', 'scripts/run-ts.mjs', 'bench/engine.bench.ts']],
  ['sampling (Node)', ['node', 'scripts/run-ts.mjs', 'bench/sampling.bench.ts'], 'bench/sampling.bench.ts'],
  ['build', ['npx', 'vite', 'build']],
  ['browser (Chromium)', ['node', 'bench/browser.mjs']],
  ['sampling in Chromium workers', ['node', 'bench/sampling-browser.mjs']],
  ['initial JavaScript per page', ['node', 'bench/js-size.mjs']],
  ['ShapesWorld 25-step generation (onnxruntime-web wasm)', ['node', 'scripts/run-ts.mjs', 'bench/sd-generate.ts']]
];
let failed = 0;
for (const [name, cmd, needs] of steps) {
  if (needs && !existsSync(needs)) continue;
  console.log(`\n== ${name}`);
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`== ${name} FAILED (exit ${r.status})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
