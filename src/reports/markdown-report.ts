import type { CorpusMetrics } from '../aggregate/corpus-accumulator.js';
import type { TokenMetrics } from '../aggregate/token-stats.js';
import { markdownCell as cell } from './markdown-cell.js';
import type { Report } from './report.js';
import { count, fixedFigure as num, where } from './figure-format.js';

/**
 * The report as Markdown, for a PR comment, a wiki page or a job summary: the text report's
 * figures, in tables, with the same digits. Object → string, no I/O.
 */
export function renderMarkdown(report: Report): string {
  const c = report.corpus;
  const inputs = report.files.length;
  const out: string[] = ['# xent report', '', `${count(inputs)} input${inputs === 1 ? '' : 's'}, ${count(c.records)} records.`, ''];
  const rows: [string, TokenMetrics | CorpusMetrics, number][] = [['corpus', c, c.sequences]];
  for (const segment of ['prompt', 'completion'] as const) {
    const s = report.segments[segment];
    if (s !== undefined) rows.push([segment, s, s.sequences]);
  }
  const withBytes = rows.some(([, m]) => m.bits_per_byte !== undefined);
  out.push(
    `| | tokens | sequences | cross-entropy (nats/token) | s.e. | perplexity | bits/token |${withBytes ? ' bits/byte |' : ''}`,
    `|---|---:|---:|---:|---:|---:|---:|${withBytes ? '---:|' : ''}`,
  );
  for (const [name, m, sequences] of rows) {
    const bpb = withBytes ? ` ${m.bits_per_byte === undefined ? '' : num(m.bits_per_byte)} |` : '';
    out.push(`| ${name} | ${count(m.tokens)} | ${count(sequences)} | ${num(m.cross_entropy)} | ${num(m.standard_error)} | ${num(m.perplexity)} | ${num(m.bits_per_token)} |${bpb}`);
  }
  out.push('');
  const facts: string[] = [];
  if (c.sequences > 0) facts.push(`Mean sequence perplexity: ${num(c.mean_sequence_perplexity)} (the mean of per-sequence perplexities, not the corpus perplexity).`);
  if (c.bytes !== undefined && c.bits_per_byte !== undefined) facts.push(`Bits per byte over ${count(c.bytes)} bytes (${count(c.tokens_with_bytes ?? 0)} tokens with bytes).`);
  if (c.mean_entropy !== undefined) {
    facts.push(`Mean entropy: ${num(c.mean_entropy)} nats (${num(c.mean_entropy_bits ?? Number.NaN)} bits) over ${count(c.entropy_tokens ?? 0)} tokens.`);
  }
  if (c.top_k !== undefined) {
    const upper = c.top_k.entropy_upper === undefined ? 'the upper bound needs --vocab-size' : `at most ${num(c.top_k.entropy_upper)}`;
    facts.push(
      `Top-k: mean mass ${num(c.top_k.mean_mass)} over ${count(c.top_k.tokens)} tokens${c.top_k.mass_above_one > 0 ? ` (${count(c.top_k.mass_above_one)} above 1)` : ''}; entropy at least ${num(c.top_k.entropy_lower)} nats, ${upper}.`,
    );
  }
  if (c.log_loss !== undefined) facts.push(`Log loss: ${num(c.log_loss)} nats over ${count(c.labels ?? 0)} labelled predictions.`);
  if (c.documents !== undefined) {
    const parts: string[] = [];
    if (c.word_perplexity !== undefined) parts.push(`word perplexity ${num(c.word_perplexity)}`);
    if (c.byte_perplexity !== undefined) parts.push(`byte perplexity ${num(c.byte_perplexity)}`);
    if (c.lm_eval_bits_per_byte !== undefined) parts.push(`bits per byte ${num(c.lm_eval_bits_per_byte)}`);
    facts.push(`lm-evaluation-harness: ${parts.join(', ')} (${count(c.documents)} documents).`);
  }
  if (c.unscored > 0) facts.push(`Unscored (null) positions: ${count(c.unscored)}.`);
  for (const fact of facts) out.push(`- ${fact}`);
  if (facts.length > 0) out.push('');
  if (report.files.length > 1 || report.files.some((f) => f.status === 'failed')) {
    out.push('## Inputs', '', '| input | tokens | perplexity | formats | bad records |', '|---|---:|---:|---|---:|');
    for (const f of report.files) {
      if (f.status === 'failed') {
        out.push(`| ${cell(f.file)} | failed: ${cell(f.error ?? '')} | | | |`);
        continue;
      }
      const formats = Object.keys(f.formats).join(', ') || '-';
      out.push(`| ${cell(f.file)} | ${count(f.corpus.tokens)} | ${num(f.corpus.perplexity)} | ${cell(formats)} | ${count(f.bad_records.count)} |`);
    }
    out.push('');
  }
  for (const [title, list] of [
    ['Bad records', report.bad_records],
    ['Failed requests', report.failed_requests],
  ] as const) {
    if (list.count === 0) continue;
    out.push(`## ${title}`, '', `${count(list.count)} in all${list.examples.length < list.count ? `, the first ${list.examples.length} below` : ''}.`, '');
    out.push('| where | code | reason |', '|---|---|---|');
    for (const b of list.examples) out.push(`| ${cell(where(b))} | ${cell(b.code)} | ${cell(b.reason)} |`);
    out.push('');
  }
  if (report.notes.length > 0) {
    out.push('## Notes', '');
    for (const note of report.notes) out.push(`- ${cell(note)}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}
