// docs/office.svg from bench/office/results.json: WAN bytes per office size, for no extension,
// each PeerCache configuration and the theoretical minimum, as grouped bars on a log scale (the
// yardsticks are two orders of magnitude apart). Plain hand-written SVG, no dependency, so the
// README can embed it. `node bench/office/plot.ts` redraws it from the saved results.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OfficeResults } from './bench.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const RESULTS_PATH = join(ROOT, 'bench', 'office', 'results.json');
export const SVG_PATH = join(ROOT, 'docs', 'office.svg');

const SERIES = [
  { key: 'noExtension', label: 'no extension', color: '#9e9e9e' },
  { key: 'default', label: 'PeerCache, default privacy', color: '#1565c0' },
  { key: 'open', label: 'PeerCache, requirePopular off', color: '#42a5f5' },
  { key: 'minimum', label: 'minimum (each file once)', color: '#2e7d32' },
] as const;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function officeSvg(results: OfficeResults): string {
  const sizes = results.yardsticks.map((y) => y.browsers);
  const value = (n: number, key: (typeof SERIES)[number]['key']): number | undefined => {
    const y = results.yardsticks.find((v) => v.browsers === n)!;
    if (key === 'noExtension') return y.noExtensionBytes;
    if (key === 'minimum') return y.minimumBytes;
    return results.runs.find((r) => r.browsers === n && r.config === key)?.wanBytes;
  };
  const all = sizes.flatMap((n) => SERIES.map((s) => value(n, s.key))).filter((v): v is number => v !== undefined && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all) / 1e6));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all) / 1e6));
  const W = 720;
  const H = 400;
  const left = 70;
  const right = 20;
  const top = 40;
  const bottom = 90;
  const plotH = H - top - bottom;
  const groupW = (W - left - right) / sizes.length;
  const barW = Math.min(36, (groupW - 30) / SERIES.length);
  const yOf = (mb: number): number => top + plotH * (1 - (Math.log10(mb) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">WAN bytes of an office's working day (simulated, log scale)</text>`);
  for (let d = lo; d <= hi; d *= 10) {
    const y = yOf(d);
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${d >= 1000 ? `${d / 1000} GB` : `${d} MB`}</text>`);
  }
  sizes.forEach((n, g) => {
    const x0 = left + g * groupW + (groupW - barW * SERIES.length) / 2;
    SERIES.forEach((s, i) => {
      const v = value(n, s.key);
      const x = x0 + i * barW;
      if (v === undefined) {
        const y = top + plotH - 6;
        out.push(`<text x="${x + barW / 2 + 4}" y="${y}" font-size="10" fill="#777" transform="rotate(-90 ${x + barW / 2 + 4} ${y})">not simulated</text>`);
        return;
      }
      const y = yOf(v / 1e6);
      out.push(`<rect x="${x + 2}" y="${y.toFixed(1)}" width="${barW - 4}" height="${(top + plotH - y).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.label}, N=${n}: ${(v / 1e6).toFixed(1)} MB`)}</title></rect>`);
      out.push(`<text x="${x + barW / 2}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="10">${(v / 1e6).toFixed(v >= 1e8 ? 0 : 1)}</text>`);
    });
    out.push(`<text x="${left + g * groupW + groupW / 2}" y="${top + plotH + 18}" text-anchor="middle" font-size="13">N = ${n} browsers</text>`);
  });
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  SERIES.forEach((s, i) => {
    const x = left + (i % 2) * 300;
    const y = H - 40 + Math.floor(i / 2) * 18;
    out.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${s.color}"/><text x="${x + 18}" y="${y}">${esc(s.label)}</text>`);
  });
  out.push(`<text x="${W - right}" y="${H - 6}" text-anchor="end" font-size="10" fill="#777">${esc(`npm run bench -- office-sim, seed ${results.seed}, ${results.generatedAt.slice(0, 10)}`)}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SVG_PATH, officeSvg(JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as OfficeResults));
  console.log(`wrote ${SVG_PATH}`);
}
