// Initial JavaScript per page, gzipped: every JS file Chromium fetches while the page loads and settles
// (entry, layout, page, chapter module, figures, and any worker started on load), with no interaction.
// Each file is gzipped at level 9 from build/, as a static host would serve it.
// Target (issue 2): a chapter page's initial JavaScript is at most 150 kB gzipped.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ROOT, serve, launch, record } from './lib.mjs';

const pages = ['/', '/notation/', ...readdirSync(ROOT + 'content/chapters').filter((f) => f.endsWith('.svx')).map((f) => `/chapters/${f.replace(/^\d+-/, '').replace(/\.svx$/, '')}/`)];
const srv = await serve();
const browser = await launch();
const rows = [];
try {
  for (const path of pages) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const js = new Set();
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('.js') || r.resourceType() === 'script') js.add(u.pathname);
    });
    await page.goto(srv.base + path, { waitUntil: 'networkidle' });
    await page.waitForTimeout(1000);
    let raw = 0, gz = 0;
    for (const p of js) {
      const buf = readFileSync(ROOT + 'build' + p);
      raw += buf.length;
      gz += gzipSync(buf, { level: 9 }).length;
    }
    rows.push({ path, files: js.size, rawKB: +(raw / 1024).toFixed(1), gzipKB: +(gz / 1024).toFixed(1), withinBudget: gz / 1024 <= 150 });
    await page.close();
  }
} finally {
  await browser.close();
  srv.close();
}
console.table(rows);
record('js-size', { budgetKB: 150, pages: rows });
