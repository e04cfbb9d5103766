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

/** One line of savings: what was served, what it saved, what learning cost. */
export function describeSavings(c: Counters): string {
  const served = c.servedRequests === 1 ? '1 file' : `${c.servedRequests} files`;
  const cost = c.learnBytes > 0 ? ` (learning cost ${formatBytes(c.learnBytes)})` : '';
  return `${served} served from the cache, ${formatBytes(c.bytesSaved)} not downloaded${cost}.`;
}
