import type { AuditReport, AuditSection } from './audit-report.js';
import { markdownCell as cell } from '../reports/markdown-cell.js';
import { count, place, significantFigure as num } from '../reports/figure-format.js';

/** The audit as Markdown (for a PR comment or a wiki): object → string, no I/O. */
export function renderAuditMarkdown(report: AuditReport): string {
  const out: string[] = ['# xent audit', '', `${report.inputs.length} input(s), ${count(report.corpus.records)} records, ranked by ${report.rank_by}.`, ''];
  section(report, out, '##');
  for (const g of report.groups ?? []) {
    out.push(`## Group ${g.overflow ? '(overflow)' : g.group === null ? '(missing)' : `\`${cell(g.group)}\``}`, '');
    section(g, out, '###');
  }
  out.push('## Bad records', '', `${count(report.bad_records.count)} bad record(s).`, '');
  if (report.bad_records.examples.length > 0) {
    out.push('| where | code | reason |', '|---|---|---|');
    for (const b of report.bad_records.examples) out.push(`| ${cell(place(b))} | ${b.code} | ${cell(b.reason)} |`);
    out.push('');
  }
  if (report.thresholds.length > 0) {
    out.push('## Thresholds', '', '| threshold | group | limit | value | |', '|---|---|---:|---:|---|');
    for (const t of report.thresholds) {
      out.push(`| \`${t.name}\` | ${t.group === undefined ? 'corpus' : cell(String(t.group))} | ${num(t.limit)} | ${num(t.value)} | ${t.crossed ? '**crossed**' : 'ok'} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function section(s: AuditSection, out: string[], h: string): void {
  const c = s.corpus;
  const q = s.quantiles.sequence_perplexity;
  out.push(
    `| tokens | sequences | cross-entropy (nats) | perplexity | seq. ppl p50 | p90 | p99 |`,
    '|---:|---:|---:|---:|---:|---:|---:|',
    `| ${count(c.tokens)} | ${count(c.sequences)} | ${num(c.cross_entropy)} | ${num(c.perplexity)} | ${num(q.p50)} | ${num(q.p90)} | ${num(q.p99)} |`,
    '',
  );
  if (s.worst.length > 0) {
    out.push(`${h} Worst sequences`, '', '| id | cross-entropy | perplexity | tokens | max surprise | where |', '|---|---:|---:|---:|---:|---|');
    for (const w of s.worst) out.push(`| ${cell(w.id)} | ${num(w.cross_entropy)} | ${num(w.perplexity)} | ${w.tokens} | ${num(w.max_surprise)} | ${cell(place(w))} |`);
    out.push('');
  }
  out.push(`${h} Anomalies`, '', '| kind | count |', '|---|---:|');
  for (const [kind, n] of Object.entries(s.anomalies)) out.push(`| ${kind} | ${count(n)} |`);
  out.push('');
}
