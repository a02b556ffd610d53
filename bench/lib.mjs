// Shared bench plumbing: serve build/ with `vite preview`, launch Debian's Chromium.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const ROOT = new URL('..', import.meta.url).pathname;

export async function serve(port = 4900 + Math.floor(Math.random() * 90)) {
  const proc = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(base + '/');
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, close: () => { try { process.kill(-proc.pid); } catch { /* gone */ } } };
}

export async function launch(extraArgs = []) {
  const exe = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
  return chromium.launch({
    executablePath: exe,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs]
  });
}

export function record(name, data) {
  mkdirSync(ROOT + 'bench/results', { recursive: true });
  const out = { name, date: new Date().toISOString(), machine: machine(), ...data };
  writeFileSync(`${ROOT}bench/results/${name}.json`, JSON.stringify(out, null, 2) + '\n');
  return out;
}

function machine() {
  return { node: process.version, platform: process.platform, cpus: (globalThis.navigator?.hardwareConcurrency ?? null) };
}
