// Screenshot pages of the built site with Debian's Chromium, as a reader would see them.
//   node scripts/shot.mjs [--base http://127.0.0.1:4173] [--out shots] [--wait 1500] path[@WIDTHxHEIGHT][#full] ...
// e.g. node scripts/shot.mjs /chapters/images-are-points/@1280x720 /@390x844#full
import { chromium } from '@playwright/test';
import { mkdirSync, existsSync } from 'node:fs';

const args = process.argv.slice(2);
let base = 'http://127.0.0.1:4173';
let out = 'shots';
let wait = 1500;
const targets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--base') base = args[++i];
  else if (args[i] === '--out') out = args[++i];
  else if (args[i] === '--wait') wait = Number(args[++i]);
  else targets.push(args[i]);
}
mkdirSync(out, { recursive: true });
const exe = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const browser = await chromium.launch({
  executablePath: exe,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
});
for (const t of targets) {
  const full = t.endsWith('#full');
  const spec = full ? t.slice(0, -5) : t;
  const m = /^(.*?)(?:@(\d+)x(\d+))?$/.exec(spec);
  const path = m[1];
  const width = Number(m[2] ?? 1280), height = Number(m[3] ?? 720);
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('console', (msg) => { if (msg.type() === 'error') console.log(`[console] ${path}: ${msg.text()}`); });
  page.on('pageerror', (e) => console.log(`[pageerror] ${path}: ${e.message}`));
  await page.goto(base + path, { waitUntil: 'networkidle' });
  await page.waitForTimeout(wait);
  const name = `${out}/${(path.replace(/[^a-z0-9]+/gi, '_').replace(/^_|_$/g, '') || 'home')}-${width}x${height}${full ? '-full' : ''}.png`;
  await page.screenshot({ path: name, fullPage: full });
  console.log(name);
  await page.close();
}
await browser.close();
