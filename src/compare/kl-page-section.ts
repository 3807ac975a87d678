import { count, place, significantFigure as num } from '../reports/figure-format.js';
import { escapeHtml } from '../reports/html/escape-html.js';
import { barChart } from '../reports/html/svg-charts.js';
import type { CompareReport } from './compare-report.js';

/**
 * The `--kl` part of the compare page: the figures, a histogram of per-position KL (logarithmic bins), the sequences
 * with the highest mean KL and the length mismatches, every text from the data escaped. Empty without --kl.
 */
export function klPageSection(r: CompareReport): string {
  const k = r.kl;
  if (k === undefined) return '';
  const body: string[] = [];
  const figure = (label: string, value: string): string => `<div class="figure">${label}<b>${escapeHtml(value)}</b></div>`;
  const bounds = k.positions - k.exact_positions;
  body.push('<h2 id="kl">KL divergence per position, KL(A ‖ B), A the reference</h2>');
  body.push(
    `<div class="figures">${[
      figure('positions (exact / bound)', `${count(k.positions)} (${count(k.exact_positions)} / ${count(bounds)})`),
      figure(bounds > 0 ? 'mean KL (nats, a lower bound)' : 'mean KL (nats)', `${num(k.mean)} ± ${num(k.standard_error)}`),
      figure('median / p90 / p99', `${num(k.median)} / ${num(k.p90)} / ${num(k.p99)}`),
      figure('max', num(k.max)),
      figure('same top-1', `${num(k.same_top1 * 100)}%`),
      figure('Δp mean / rms', `${num(k.delta_p.mean)} / ${num(k.delta_p.rms)}`),
      figure('Δp p01 / p99', `${num(k.delta_p.p01)} / ${num(k.delta_p.p99)}`),
      figure('length mismatches', count(r.kl_length_mismatch?.count ?? 0)),
      figure('positions not compared', count(r.kl_unscored_positions?.count ?? 0)),
    ].join('')}</div>`,
  );
  const h = r.kl_histogram;
  if (h !== undefined) {
    const edge = (x: number | undefined): string => (x !== undefined && x > 0 && x < 1e-3 ? x.toExponential(0) : String(x));
    const labels = h.counts.map((_, i) => (i === 0 ? `<${edge(h.edges[0])}` : i === h.edges.length ? `≥${edge(h.edges.at(-1))}` : edge(h.edges[i - 1])));
    body.push(barChart('kl-histogram', 'KL per position (nats), logarithmic bins', labels, h.counts, 'KL (bin start, nats)'));
  }
  const top = r.kl_top_sequences ?? [];
  body.push('<h3>Highest mean KL</h3><table id="kl-top"><tr><th>id</th><th class="n">mean KL</th><th class="n">positions</th><th class="n">exact</th><th>where A</th><th>where B</th></tr>');
  for (const s of top) {
    body.push(
      `<tr><td>${escapeHtml(s.id)}</td><td class="n">${num(s.mean_kl)}</td><td class="n">${count(s.positions)}</td><td class="n">${count(s.exact_positions)}</td><td>${escapeHtml(place({ file: s.file_a, line: s.line_a }))}</td><td>${escapeHtml(place({ file: s.file_b, line: s.line_b }))}</td></tr>`,
    );
  }
  body.push('</table>');
  const mismatch = r.kl_length_mismatch;
  if (mismatch !== undefined && mismatch.count > 0) {
    body.push(`<h3>Length mismatches: ${count(mismatch.count)}</h3><table id="kl-length-mismatch"><tr><th>id</th><th>A</th><th class="n">positions</th><th>B</th><th class="n">positions</th></tr>`);
    for (const e of mismatch.examples) {
      body.push(
        `<tr><td>${escapeHtml(e.id)}</td><td>${escapeHtml(place(e.a))}</td><td class="n">${count(e.a.positions)}</td><td>${escapeHtml(place(e.b))}</td><td class="n">${count(e.b.positions)}</td></tr>`,
      );
    }
    body.push('</table>');
  }
  const unscored = r.kl_unscored_positions;
  if (unscored !== undefined && unscored.count > 0) {
    body.push(`<h3>Positions not compared: ${count(unscored.count)}</h3><ul>${unscored.examples.map((e) => `<li>${escapeHtml(`${e.id} position ${e.position}: ${e.reason}`)}</li>`).join('')}</ul>`);
  }
  return body.join('\n');
}
