import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Unit tests run the pure-TypeScript engine in Node: no Svelte, no DOM.
export default defineConfig({
  resolve: {
    alias: {
      $lib: fileURLToPath(new URL('./src/lib', import.meta.url)),
      $models: fileURLToPath(new URL('./models', import.meta.url))
    }
  },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    pool: 'threads',
    maxWorkers: 2
  }
});
