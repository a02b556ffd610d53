// axe-core scan for Playwright without @axe-core/playwright (which needs Node 22): inject
// node_modules/axe-core/axe.min.js and call axe.run in the page.
//
//   await expectNoSeriousA11yViolations(page);                          // whole page
//   await expectNoSeriousA11yViolations(page, { include: '#demo' });    // e.g. after opening a figure's controls
import { createRequire } from 'node:module';
import { expect, type Page } from '@playwright/test';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const A11Y_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface A11yOptions {
  /** CSS selector(s) to scan; default the whole document. */
  include?: string | string[];
  /** CSS selector(s) to leave out. */
  exclude?: string | string[];
  /** axe rule ids to switch off (say why where you call it). */
  disableRules?: string[];
  /** Impacts that fail the check; default serious and critical. */
  impacts?: Array<'minor' | 'moderate' | 'serious' | 'critical'>;
  /** Tags to run; default WCAG 2.0/2.1 A and AA. */
  tags?: string[];
}

export interface A11yViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string }[];
}

/** Run axe in the page and return its violations (all impacts). */
export async function runAxe(page: Page, opts: A11yOptions = {}): Promise<A11yViolation[]> {
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ path: AXE_PATH });
  const list = (v?: string | string[]) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  const args = {
    include: list(opts.include),
    exclude: list(opts.exclude),
    tags: opts.tags ?? A11Y_TAGS,
    disable: opts.disableRules ?? []
  };
  return page.evaluate(async ({ include, exclude, tags, disable }) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (window as any).axe;
    const context: Record<string, unknown> = {};
    if (include) context.include = include.map((s) => [s]);
    if (exclude) context.exclude = exclude.map((s) => [s]);
    const rules: Record<string, { enabled: boolean }> = {};
    for (const id of disable) rules[id] = { enabled: false };
    const res = await axe.run(include || exclude ? context : document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
      rules
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return res.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      nodes: v.nodes.map((n: any) => ({
        target: n.target.map((t: unknown) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' '),
        summary: String(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()
      }))
    }));
  }, args);
}

/** Human-readable lines, one per violation, listing its nodes' selectors and axe's summary. */
export function formatViolations(vs: A11yViolation[]): string[] {
  return vs.map((v) => {
    const nodes = v.nodes
      .slice(0, 10)
      .map((n) => `    - ${n.target}${n.summary ? `  — ${n.summary.slice(0, 300)}` : ''}`)
      .join('\n');
    const more = v.nodes.length > 10 ? `\n    … and ${v.nodes.length - 10} more nodes` : '';
    return `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
  });
}

/** Fail (with every offending rule, impact and node selector in the message) on serious/critical violations. */
export async function expectNoSeriousA11yViolations(page: Page, opts: A11yOptions = {}): Promise<void> {
  const impacts = opts.impacts ?? ['serious', 'critical'];
  const violations = (await runAxe(page, opts)).filter((v) => v.impact !== null && impacts.includes(v.impact as never));
  const lines = formatViolations(violations);
  const where = opts.include ? ` in ${[opts.include].flat().join(', ')}` : '';
  expect(
    violations.length,
    `axe-core (${(opts.tags ?? A11Y_TAGS).join(', ')}) found ${violations.length} ${impacts.join('/')} violation(s) on ${page.url()}${where}:\n\n${lines.join('\n\n')}\n`
  ).toBe(0);
}
