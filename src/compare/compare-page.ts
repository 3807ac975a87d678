import { count, place, significantFigure as num } from '../reports/figure-format.js';
import type { CompareReport } from './compare-report.js';
import { klPageSection } from './kl-page-section.js';
import { escapeHtml } from '../reports/html/escape-html.js';
import { pageShell } from '../reports/html/page-shell.js';
import { barChart } from '../reports/html/svg-charts.js';

/** The comparison as one self-contained HTML page: object → string, no I/O. */
export function renderComparePage(r: CompareReport): string {
  const body: string[] = [];
  const figure = (label: string, value: string): string => `<div class="figure">${label}<b>${value}</b></div>`;
  body.push('<h1>xent compare</h1>');
  body.push(
    `<div class="figures">${[
      figure('matched', count(r.matched)),
      figure('mean CE A (nats)', num(r.mean_cross_entropy_a)),
      figure('mean CE B (nats)', num(r.mean_cross_entropy_b)),
      figure('B − A', num(r.mean_difference)),
      figure('95% CI', `[${num(r.ci95.low)}, ${num(r.ci95.high)}]`),
      figure('B better', `${num(r.win_rate * 100)}%`),
      figure('only A / only B', `${count(r.a.only_here.count)} / ${count(r.b.only_here.count)}`),
    ].join('')}</div>`,
  );
  const h = r.differences_histogram;
  const labels = h.counts.map((_, i) => (i === 0 ? `<${h.edges[0]}` : i === h.edges.length ? `≥${h.edges[h.edges.length - 1]}` : String(h.edges[i - 1])));
  body.push(barChart('differences', 'Per-sequence difference in cross-entropy, B − A (nats)', labels, h.counts, 'B − A (bin start); left of 0: B better'));
  body.push('<h2>Most changed</h2><table id="most-changed"><tr><th>id</th><th class="n">A</th><th class="n">B</th><th class="n">B − A</th><th>where A</th><th>where B</th></tr>');
  for (const c of r.most_changed) {
    body.push(
      `<tr><td>${escapeHtml(c.id)}</td><td class="n">${num(c.cross_entropy_a)}</td><td class="n">${num(c.cross_entropy_b)}</td><td class="n">${num(c.difference)}</td><td>${escapeHtml(place({ file: c.file_a, line: c.line_a }))}</td><td>${escapeHtml(place({ file: c.file_b, line: c.line_b }))}</td></tr>`,
    );
  }
  body.push('</table>');
  const kl = klPageSection(r);
  if (kl !== '') body.push(kl);
  for (const [name, side] of [['A', r.a], ['B', r.b]] as const) {
    body.push(`<h2>Only in ${name}: ${count(side.only_here.count)}</h2>`);
    if (side.only_here.examples.length > 0) body.push(`<ul>${side.only_here.examples.map((id) => `<li>${escapeHtml(id)}</li>`).join('')}</ul>`);
  }
  return pageShell('xent compare', body.join('\n'));
}
