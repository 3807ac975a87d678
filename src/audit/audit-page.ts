import type { AuditReport, AuditSection } from './audit-report.js';
import { count, place, significantFigure as num } from '../reports/figure-format.js';
import { escapeHtml } from '../reports/html/escape-html.js';
import { pageShell } from '../reports/html/page-shell.js';
import { barChart, lineChart } from '../reports/html/svg-charts.js';
import { heatLegend, tokenHeatmap } from './token-heatmap.js';

/** The audit as one self-contained HTML page (see pageShell): object → string, no I/O. */
export function renderAuditPage(report: AuditReport): string {
  const body: string[] = [];
  body.push(`<h1>xent audit</h1><p class="muted">${report.inputs.length} input(s) · ${count(report.corpus.records)} records · ranked by ${escapeHtml(report.rank_by)} · xent ${escapeHtml(report.xent_version)}</p>`);
  body.push(sectionHtml(report, 'corpus'));
  for (const [i, g] of (report.groups ?? []).entries()) {
    const name = g.overflow ? '(overflow)' : g.group === null ? '(missing)' : g.group;
    body.push(`<h2>Group ${escapeHtml(name)}</h2>`, sectionHtml(g, `group-${i}`));
  }
  body.push('<h2>Bad records</h2>', `<p>${count(report.bad_records.count)} bad record(s).</p>`);
  if (report.bad_records.examples.length > 0) {
    body.push('<table id="bad-records"><tr><th>where</th><th>code</th><th>reason</th></tr>');
    for (const b of report.bad_records.examples) body.push(`<tr><td>${escapeHtml(place(b))}</td><td>${escapeHtml(b.code)}</td><td>${escapeHtml(b.reason)}</td></tr>`);
    body.push('</table>');
  }
  if (report.thresholds.length > 0) {
    body.push('<h2>Thresholds</h2><table id="thresholds"><tr><th>threshold</th><th>group</th><th class="n">limit</th><th class="n">value</th><th></th></tr>');
    for (const t of report.thresholds) {
      body.push(`<tr><td>${escapeHtml(t.name)}</td><td>${t.group === undefined ? 'corpus' : escapeHtml(String(t.group))}</td><td class="n">${num(t.limit)}</td><td class="n">${num(t.value)}</td><td>${t.crossed ? '<b>crossed</b>' : 'ok'}</td></tr>`);
    }
    body.push('</table>');
  }
  return pageShell('xent audit', body.join('\n'));
}

function sectionHtml(s: AuditSection, id: string): string {
  const c = s.corpus;
  const q = s.quantiles.sequence_perplexity;
  const out: string[] = [];
  const figure = (label: string, value: string): string => `<div class="figure">${label}<b>${value}</b></div>`;
  out.push(
    `<div class="figures">${[
      figure('tokens', count(c.tokens)),
      figure('sequences', count(c.sequences)),
      figure('cross-entropy (nats)', num(c.cross_entropy)),
      figure('perplexity', num(c.perplexity)),
      figure('seq. perplexity p50', num(q.p50)),
      figure('p90', num(q.p90)),
      figure('p99', num(q.p99)),
    ].join('')}</div>`,
  );
  const h = s.histogram.sequence_perplexity;
  const first = h.counts.findIndex((n) => n > 0);
  const last = h.counts.length - 1 - [...h.counts].reverse().findIndex((n) => n > 0);
  if (first >= 0) {
    const labels = h.edges.slice(first, last + 1).map((e, i) => (first + i === h.counts.length - 1 ? `≥${e}` : String(e)));
    out.push(barChart(`${id}-histogram`, 'Per-sequence perplexity (log-scale bins)', labels, h.counts.slice(first, last + 1), 'perplexity (lower bin edge)'));
  }
  out.push(lineChart(`${id}-rolling`, 'Rolling cross-entropy over the corpus', s.rolling.map((p) => ({ x: p.start + p.tokens, y: p.cross_entropy })), 'tokens read', 'nats/token'));
  out.push(lineChart(`${id}-positions`, 'Cross-entropy by token position', s.positions.map((p) => ({ x: p.from, y: p.cross_entropy })), 'position (bucket start)', 'nats/token'));
  if (s.worst.length > 0) {
    out.push('<h3>Worst sequences</h3>', heatLegend());
    out.push(`<table id="${id}-worst"><tr><th>id</th><th class="n">cross-entropy</th><th class="n">perplexity</th><th class="n">tokens</th><th class="n">max surprise</th><th>where</th></tr>`);
    for (const w of s.worst) {
      out.push(`<tr><td>${escapeHtml(w.id)}</td><td class="n">${num(w.cross_entropy)}</td><td class="n">${num(w.perplexity)}</td><td class="n">${w.tokens}</td><td class="n">${num(w.max_surprise)}</td><td>${escapeHtml(place(w))}</td></tr>`);
    }
    out.push('</table>');
    for (const w of s.worst) {
      if (w.detail === undefined || w.detail.length === 0) continue;
      const more = w.tokens > w.detail.length ? ` <span class="muted">(first ${w.detail.length} of ${w.tokens} tokens)</span>` : '';
      out.push(`<p><b>${escapeHtml(w.id)}</b> · ${num(w.cross_entropy)} nats${more}</p>`, tokenHeatmap(w.detail));
    }
  }
  out.push(`<h3>Anomalies</h3><table id="${id}-anomalies"><tr><th>kind</th><th class="n">count</th><th>first example</th></tr>`);
  for (const [kind, n] of Object.entries(s.anomalies)) {
    const e = s.anomaly_examples.find((x) => x.kind === kind);
    out.push(`<tr><td>${kind}</td><td class="n">${count(n)}</td><td>${e === undefined ? '' : escapeHtml(`${place(e)}: ${e.detail}`)}</td></tr>`);
  }
  out.push('</table>');
  return out.join('\n');
}
