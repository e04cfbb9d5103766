import type { StatsView } from '../messages.ts';
import { t } from '../platform/i18n.ts';

/** What the "Your data" buttons need from the background. */
export interface DataBackend {
  clearCache(): Promise<{ removed: number }>;
  stats(): Promise<StatsView>;
  /** Forgets the LAN node ids pinned on first use (peers/lan-node-dial.ts). */
  forgetLanNodeIds(): Promise<void>;
  /** Asks the user; the page uses `confirm()`. */
  confirm(question: string): boolean;
}

/**
 * Wires "Clear the cache" (after confirmation), "Export statistics" (a JSON download) and
 * "Forget LAN node identities" (after an admin replaced a LAN node).
 */
export function wireDataActions(backend: DataBackend): void {
  const result = document.getElementById('data-result') as HTMLElement;
  document.getElementById('clear-cache')?.addEventListener('click', () => {
    if (!backend.confirm(t('clearCacheConfirm'))) return;
    void backend.clearCache().then((r) => (result.textContent = t('cacheCleared', String(r.removed))));
  });
  document.getElementById('forget-lan-node-ids')?.addEventListener('click', () => {
    void backend.forgetLanNodeIds().then(() => (result.textContent = t('lanNodeIdsForgotten')));
  });
  document.getElementById('export-stats')?.addEventListener('click', () => {
    void backend.stats().then((stats) => {
      const file = new Blob([JSON.stringify({ exportedAt: new Date().toISOString(), ...stats }, null, 2)], { type: 'application/json' });
      const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(file), download: 'peercache-stats.json' });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    });
  });
}
