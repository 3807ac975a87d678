import { escapeHtml } from './escape-html.js';

/** Inline SVG charts: no library, no script; every label escaped. */
const W = 640;
const H = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 34 };

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return Math.abs(x) >= 1e4 ? x.toExponential(1) : Number(x.toPrecision(3)).toString();
}

/** Bars (one per bin) with x labels; `id` names the chart for tests and links. */
export function barChart(id: string, title: string, labels: string[], values: number[], xTitle: string): string {
  const max = Math.max(1, ...values);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const bw = innerW / Math.max(1, values.length);
  const bars = values
    .map((v, i) => {
      const h = (v / max) * innerH;
      const x = PAD.left + i * bw;
      return `<rect class="bar" x="${x.toFixed(1)}" y="${(PAD.top + innerH - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#0969da"><title>${escapeHtml(labels[i] ?? '')}: ${v}</title></rect>`;
    })
    .join('');
  const step = Math.max(1, Math.ceil(values.length / 8));
  const ticks = labels
    .map((l, i) => (i % step === 0 ? `<text x="${(PAD.left + i * bw).toFixed(1)}" y="${H - PAD.bottom + 14}">${escapeHtml(l)}</text>` : ''))
    .join('');
  return frame(id, title, `${bars}${ticks}<text x="${PAD.left}" y="${H - 4}">${escapeHtml(xTitle)}</text><text x="4" y="${PAD.top + 8}">${max}</text>`);
}

/** A polyline of (x, y) points with axis extremes labelled. */
export function lineChart(id: string, title: string, points: { x: number; y: number }[], xTitle: string, yTitle: string): string {
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (finite.length === 0) return frame(id, title, `<text x="${PAD.left}" y="${H / 2}">no data</text>`);
  const xs = finite.map((p) => p.x);
  const ys = finite.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys)];
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const sx = (x: number): number => PAD.left + (x1 === x0 ? innerW / 2 : ((x - x0) / (x1 - x0)) * innerW);
  const sy = (y: number): number => PAD.top + innerH - (y1 === y0 ? innerH / 2 : ((y - y0) / (y1 - y0)) * innerH);
  const path = finite.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
  const dots = finite.length <= 40 ? finite.map((p) => `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="#cf222e"><title>${fmt(p.x)}: ${fmt(p.y)}</title></circle>`).join('') : '';
  return frame(
    id,
    title,
    `<polyline class="line" fill="none" stroke="#cf222e" stroke-width="1.5" points="${path}"/>${dots}` +
      `<text x="4" y="${PAD.top + 8}">${fmt(y1)}</text><text x="4" y="${PAD.top + innerH}">${fmt(y0)}</text>` +
      `<text x="${PAD.left}" y="${H - PAD.bottom + 14}">${fmt(x0)}</text><text x="${W - PAD.right - 40}" y="${H - PAD.bottom + 14}">${fmt(x1)}</text>` +
      `<text x="${PAD.left}" y="${H - 4}">${escapeHtml(xTitle)} · y: ${escapeHtml(yTitle)}</text>`,
  );
}

function frame(id: string, title: string, inner: string): string {
  return `<figure><svg id="${escapeHtml(id)}" class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${inner}</svg><figcaption>${escapeHtml(title)}</figcaption></figure>`;
}
