import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { UiPage } from './extension-browser.ts';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility violation, as axe-core reports it (WCAG 2.1 A and AA rules). */
export interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: string[];
}

/** Runs axe-core inside the page (injected by the test driver, not shipped) and returns the violations. */
export async function axeViolations(page: UiPage): Promise<AxeViolation[]> {
  return page.evaluate(async (source) => {
    // Evaluated by the driver, which extension-page CSP does not restrict.
    (0, eval)(source);
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, axeSource);
}
