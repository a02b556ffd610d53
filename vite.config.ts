import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';

// Cross-origin isolation (COOP/COEP) lets onnxruntime-web use threads (SharedArrayBuffer).
// The same two headers must be set by whatever serves the static build; see README.md
// ("Deploying") and static/_headers.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp'
};

function crossOriginIsolation(): Plugin {
  const apply = (_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) => {
    for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
    next();
  };
  return {
    name: 'cross-origin-isolation',
    configureServer(server) {
      server.middlewares.use(apply);
    },
    configurePreviewServer(server) {
      server.middlewares.use(apply);
    }
  };
}

export default defineConfig({
  plugins: [crossOriginIsolation(), sveltekit()],
  server: { fs: { allow: ['content', 'models'] } },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 600 }
});
