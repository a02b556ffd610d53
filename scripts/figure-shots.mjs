// Screenshot single figures of the built site (for the README and for looking at them):
//   node scripts/figure-shots.mjs [--base URL] [--out docs/screenshots] [--width 1280] name=/path/#figure-id ...
// e.g. node scripts/figure-shots.mjs ch03-field=/chapters/learning-to-point-back/#fig-field
import { chromium } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';

const args = process.argv.slice(2);
let base = 'http://127.0.0.1:4173', out = 'docs/screenshots', width = 1280, wait = 2500;
const targets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--base') base = args[++i];
  else if (args[i] === '--out') out = args[++i];
  else if (args[i] === '--width') width = Number(args[++i]);
  else if (args[i] === '--wait') wait = Number(args[++i]);
  else targets.push(args[i]);
}
mkdirSync(out, { recursive: true });
const exe = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
for (const t of targets) {
  const eq = t.indexOf('=');
  const name = t.slice(0, eq), spec = t.slice(eq + 1);
  const [path, id] = spec.split('#');
  const page = await browser.newPage({ viewport: { width, height: 900 }, reducedMotion: 'reduce' });
  page.on('pageerror', (e) => console.log(`[pageerror] ${path}: ${e.message}`));
  await page.goto(base + path, { waitUntil: 'networkidle' });
  const el = id ? page.locator(`#${id}`) : page.locator('body');
  // The site header is sticky: hide it so it never covers the figure.
  await page.addStyleTag({ content: 'header.site { visibility: hidden !important; }' });
  await el.scrollIntoViewIfNeeded();
  await page.waitForTimeout(wait);
  await el.screenshot({ path: `${out}/${name}.png` });
  console.log(`${out}/${name}.png`);
  await page.close();
}
await browser.close();
