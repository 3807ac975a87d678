import { count, place, significantFigure as num } from '../reports/figure-format.js';
import { markdownCell } from '../reports/markdown-cell.js';
import type { CompareReport } from './compare-report.js';

/**
 * The `--kl` part of the human comparison (text, or Markdown): the KL figures, what could not be compared, and the
 * sequences with the highest mean KL. No lines at all without --kl, so the comparison stays as it was.
 */
export function klTextSection(r: CompareReport, md: boolean): string[] {
  const k = r.kl;
  if (k === undefined) return [];
  const out: string[] = [];
  const bounds = k.positions - k.exact_positions;
  out.push(md ? '## KL divergence, A (reference) ‖ B' : 'KL divergence per position, KL(A ‖ B), A the reference (nats)', '');
  if (md) out.push('| figure | value |', '|---|---|');
  const line = (label: string, value: string): void => {
    out.push(md ? `| ${label} | ${markdownCell(value)} |` : `  ${label.padEnd(26)} ${value}`);
  };
  line('positions compared', `${count(k.positions)} (${count(k.exact_positions)} exact, ${count(bounds)} lower bounds from top-k)`);
  line('mean KL', `${num(k.mean)} nats ± ${num(k.standard_error)} (standard error)${bounds > 0 ? ', a lower bound' : ''}`);
  line('median / p90 / p99 / max', `${num(k.median)} / ${num(k.p90)} / ${num(k.p99)} / ${num(k.max)}`);
  line('same top-1', `${num(k.same_top1 * 100)}%`);
  line('Δp next token (B − A)', `mean ${num(k.delta_p.mean)}, rms ${num(k.delta_p.rms)}, p01 ${num(k.delta_p.p01)}, p99 ${num(k.delta_p.p99)}`);
  const mismatch = r.kl_length_mismatch;
  if (mismatch !== undefined) {
    const e = mismatch.examples[0];
    const example = e === undefined ? '' : ` (e.g. ${e.id}: ${place(e.a)} has ${count(e.a.positions)} positions, ${place(e.b)} has ${count(e.b.positions)})`;
    line('length mismatches', `${count(mismatch.count)}${example}`);
  }
  const unscored = r.kl_unscored_positions;
  if (unscored !== undefined) {
    const e = unscored.examples[0];
    line('positions not compared', `${count(unscored.count)}${e === undefined ? '' : ` (e.g. ${e.id} position ${e.position}: ${e.reason})`}`);
  }
  out.push('');
  const top = r.kl_top_sequences ?? [];
  if (top.length > 0) {
    out.push(md ? '## Highest mean KL' : 'highest mean KL (nats)', '');
    if (md) out.push('| id | mean KL | positions | exact | where A | where B |', '|---|---:|---:|---:|---|---|');
    for (const s of top) {
      const a = place({ file: s.file_a, line: s.line_a });
      const b = place({ file: s.file_b, line: s.line_b });
      out.push(
        md
          ? `| ${markdownCell(s.id)} | ${num(s.mean_kl)} | ${count(s.positions)} | ${count(s.exact_positions)} | ${markdownCell(a)} | ${markdownCell(b)} |`
          : `  ${num(s.mean_kl).padStart(9)}  ${s.id}  (${count(s.positions)} position${s.positions === 1 ? '' : 's'}, ${count(s.exact_positions)} exact; ${a} · ${b})`,
      );
    }
    out.push('');
  }
  if (mismatch !== undefined && mismatch.examples.length > 0) {
    out.push(md ? '## Length mismatches' : 'length mismatches (not compared)', '');
    if (md) out.push('| id | A | positions A | B | positions B |', '|---|---|---:|---|---:|');
    for (const e of mismatch.examples) {
      out.push(
        md
          ? `| ${markdownCell(e.id)} | ${markdownCell(place(e.a))} | ${count(e.a.positions)} | ${markdownCell(place(e.b))} | ${count(e.b.positions)} |`
          : `  ${e.id}  ${place(e.a)} (${count(e.a.positions)}) · ${place(e.b)} (${count(e.b.positions)})`,
      );
    }
    out.push('');
  }
  while (out.at(-1) === '') out.pop();
  return out;
}
