// Run a TypeScript script in Node without extra dependencies: bundle it with esbuild (already
// installed as Vite's bundler) into node_modules/.cache, then import it.
//   node scripts/run-ts.mjs scripts/export-shapesworld.ts [args…]
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { resolve, basename } from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs file.ts [args…]');
  process.exit(2);
}
const outdir = resolve('node_modules/.cache/run-ts');
mkdirSync(outdir, { recursive: true });
const outfile = resolve(outdir, basename(entry).replace(/\.ts$/, '') + `.${process.pid}.mjs`);
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  alias: { $lib: resolve('src/lib') },
  outfile,
  logLevel: 'warning'
});
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(outfile).href);
