import { count, place, significantFigure as num } from '../reports/figure-format.js';
import { markdownCell } from '../reports/markdown-cell.js';
import type { CompareReport } from './compare-report.js';
import { klTextSection } from './kl-text-section.js';

/** The human comparison (text, or Markdown with `markdown: true`): object → string, no I/O. */
export function renderCompareText(r: CompareReport, options: { markdown?: boolean } = {}): string {
  const md = options.markdown === true;
  const out: string[] = [];
  out.push(md ? '# xent compare' : 'xent compare', '');
  const line = (label: string, value: string): void => {
    out.push(md ? `| ${label} | ${value} |` : `  ${label.padEnd(26)} ${value}`);
  };
  if (md) out.push('| figure | value |', '|---|---|');
  line('matched sequences', count(r.matched));
  line('mean cross-entropy A', `${num(r.mean_cross_entropy_a)} nats`);
  line('mean cross-entropy B', `${num(r.mean_cross_entropy_b)} nats`);
  line('mean difference (B − A)', `${num(r.mean_difference)} nats, 95% CI [${num(r.ci95.low)}, ${num(r.ci95.high)}]`);
  line('B better (win rate)', `${num(r.win_rate * 100)}% (${count(r.wins)} wins, ${count(r.losses)} losses, ${count(r.ties)} ties)`);
  line('only in A', `${count(r.a.only_here.count)}${r.a.only_here.examples.length > 0 ? ` (e.g. ${r.a.only_here.examples.slice(0, 3).join(', ')})` : ''}`);
  line('only in B', `${count(r.b.only_here.count)}${r.b.only_here.examples.length > 0 ? ` (e.g. ${r.b.only_here.examples.slice(0, 3).join(', ')})` : ''}`);
  line('bad records A / B', `${count(r.a.bad_records.count)} / ${count(r.b.bad_records.count)}`);
  line('duplicate ids A / B', `${count(r.a.duplicate_ids)} / ${count(r.b.duplicate_ids)}`);
  out.push('');
  if (r.most_changed.length > 0) {
    out.push(md ? '## Most changed' : 'most changed (B − A, nats)', '');
    if (md) out.push('| id | A | B | B − A | where A | where B |', '|---|---:|---:|---:|---|---|');
    for (const c of r.most_changed) {
      const a = place({ file: c.file_a, line: c.line_a });
      const b = place({ file: c.file_b, line: c.line_b });
      out.push(
        md
          ? `| ${markdownCell(c.id)} | ${num(c.cross_entropy_a)} | ${num(c.cross_entropy_b)} | ${num(c.difference)} | ${markdownCell(a)} | ${markdownCell(b)} |`
          : `  ${num(c.difference).padStart(9)}  ${num(c.cross_entropy_a).padStart(8)} → ${num(c.cross_entropy_b).padEnd(8)}  ${c.id}  (${a} · ${b})`,
      );
    }
  }
  const kl = klTextSection(r, md);
  if (kl.length > 0) {
    if (out.at(-1) !== '') out.push('');
    out.push(...kl);
  }
  return `${out.join('\n')}\n`;
}
