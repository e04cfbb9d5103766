import type { StatsView } from '../messages.ts';
import { formatBytes } from './format.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** Bars of bytes not downloaded per day (oldest left); each bar's title says the figure. */
export function drawSavingsChart(svg: SVGSVGElement, daily: StatsView['daily']): void {
  const max = Math.max(1, ...daily.map((d) => d.bytesSaved));
  const width = 280 / Math.max(1, daily.length);
  svg.replaceChildren(
    ...daily.map((d, i) => {
      const h = d.bytesSaved === 0 ? 1 : Math.max(2, Math.round((d.bytesSaved / max) * 46));
      const bar = document.createElementNS(SVG, 'rect');
      bar.setAttribute('x', String(i * width + 1));
      bar.setAttribute('y', String(48 - h));
      bar.setAttribute('width', String(Math.max(1, width - 2)));
      bar.setAttribute('height', String(h));
      bar.setAttribute('class', d.bytesSaved === 0 ? 'bar empty' : 'bar');
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${d.day}: ${formatBytes(d.bytesSaved)}`;
      bar.append(title);
      return bar;
    }),
  );
  svg.setAttribute('aria-label', daily.map((d) => `${d.day}: ${formatBytes(d.bytesSaved)}`).join(', '));
}
