import type { Counters } from '../messages.ts';

/** "1.4 MB", "812 kB", "0 B": decimal units, as people read download sizes. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Looks up a UI message (platform/i18n.ts `t`, or a plain map in tests). */
export type Translate = (key: string, substitutions?: string | string[]) => string;

/** One line of savings: what was served, what it saved, what learning cost. */
export function describeSavings(c: Counters, t: Translate): string {
  const bytes = formatBytes(c.bytesSaved);
  const served = c.servedRequests === 1 ? t('savingsOne', bytes) : t('savingsMany', [String(c.servedRequests), bytes]);
  return c.learnBytes > 0 ? `${served} ${t('learningCost', formatBytes(c.learnBytes))}` : served;
}
