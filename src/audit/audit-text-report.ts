import type { AuditReport, AuditSection } from './audit-report.js';
import { count, place, significantFigure as num } from '../reports/figure-format.js';

/** The human audit report: object → string, no I/O. */
export function renderAuditText(report: AuditReport, options: { color: boolean } = { color: false }): string {
  const bold = (s: string): string => (options.color ? `\u001b[1m${s}\u001b[22m` : s);
  const dim = (s: string): string => (options.color ? `\u001b[2m${s}\u001b[22m` : s);
  const lines: string[] = [];
  lines.push(bold('xent audit') + dim(` · ${report.inputs.length} input(s) · ${count(report.corpus.records)} records · ranked by ${report.rank_by}`));
  section(report, '', lines, bold, dim);
  for (const g of report.groups ?? []) {
    lines.push('');
    lines.push(bold(`group ${g.overflow ? '(overflow: groups past --max-groups)' : g.group === null ? '(missing)' : JSON.stringify(g.group)}`));
    section(g, '  ', lines, bold, dim);
  }
  if (report.bad_records.count > 0) {
    lines.push('');
    lines.push(bold(`bad records: ${count(report.bad_records.count)}`) + dim(' (skipped; --dead-letter FILE keeps them all)'));
    for (const b of report.bad_records.examples) lines.push(`  ${place(b)}: ${b.reason}`);
  }
  for (const i of report.inputs) if (i.status === 'failed') lines.push(`input FAILED: ${i.file}: ${i.error ?? ''}`);
  const crossed = report.thresholds.filter((t) => t.crossed);
  if (report.thresholds.length > 0) {
    lines.push('');
    lines.push(bold(`thresholds: ${crossed.length} crossed of ${report.thresholds.length}`));
    for (const t of report.thresholds) {
      const where = t.group === undefined ? '' : ` (group ${JSON.stringify(t.group)})`;
      lines.push(`  ${t.crossed ? 'CROSSED' : 'ok     '} ${t.name} ${num(t.limit)}${where}: ${num(t.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function section(s: AuditSection, indent: string, lines: string[], bold: (s: string) => string, dim: (s: string) => string): void {
  const c = s.corpus;
  const q = s.quantiles.sequence_perplexity;
  lines.push(`${indent}tokens ${count(c.tokens)} · sequences ${count(c.sequences)} · cross-entropy ${num(c.cross_entropy)} nats · perplexity ${num(c.perplexity)}`);
  lines.push(`${indent}sequence perplexity p50 ${num(q.p50)} · p90 ${num(q.p90)} · p99 ${num(q.p99)} ${dim(`(min ${num(q.min)}, max ${num(q.max)})`)}`);
  if (s.worst.length > 0) {
    lines.push(`${indent}${bold('worst')}`);
    for (const w of s.worst) {
      lines.push(`${indent}  ${num(w.cross_entropy).padStart(8)} nats  ppl ${num(w.perplexity).padStart(9)}  ${String(w.tokens).padStart(6)} tok  max surprise ${num(w.max_surprise)}  ${w.id}  ${dim(place(w))}`);
    }
  }
  if (s.best.length > 0) {
    lines.push(`${indent}${bold('best')}`);
    for (const b of s.best) lines.push(`${indent}  ${num(b.cross_entropy).padStart(8)} nats  ppl ${num(b.perplexity).padStart(9)}  ${String(b.tokens).padStart(6)} tok  ${b.id}  ${dim(place(b))}`);
  }
  if (s.positions.length > 0) {
    lines.push(`${indent}${bold('cross-entropy by position')}`);
    for (const p of s.positions) {
      const range = p.to === null ? `${p.from}+` : p.to - p.from === 1 ? `${p.from}` : `${p.from}–${p.to - 1}`;
      lines.push(`${indent}  ${range.padEnd(14)} ${num(p.cross_entropy).padStart(8)} nats  ${dim(`${count(p.tokens)} tokens`)}`);
    }
  }
  const anomalies = Object.entries(s.anomalies).filter(([, n]) => n > 0);
  lines.push(`${indent}${bold('anomalies')}${anomalies.length === 0 ? ' none' : ''}`);
  for (const [kind, n] of anomalies) {
    const first = s.anomaly_examples.find((e) => e.kind === kind);
    lines.push(`${indent}  ${kind.padEnd(22)} ${count(n).padStart(8)}${first === undefined ? '' : dim(`  e.g. ${place(first)}: ${first.detail}`)}`);
  }
}
