import type { CorpusMetrics } from '../aggregate/corpus-accumulator.js';
import type { TokenMetrics } from '../aggregate/token-stats.js';
import type { Report } from './report.js';
import { count, fixedFigure as num, where } from './figure-format.js';

export interface TextReportOptions {
  /** ANSI bold/dim; the CLI turns it off for pipes and when NO_COLOR is set. */
  color: boolean;
}

/** The human report: object → string, no I/O (pino-pretty's split between formatting and streams). */
export function renderText(report: Report, options: TextReportOptions = { color: false }): string {
  const bold = (s: string): string => (options.color ? `\u001b[1m${s}\u001b[22m` : s);
  const dim = (s: string): string => (options.color ? `\u001b[2m${s}\u001b[22m` : s);
  const c = report.corpus;
  const lines: string[] = [];
  const inputs = report.files.length;
  lines.push(bold(`xent report`) + dim(` · ${inputs} input${inputs === 1 ? '' : 's'} · ${count(c.records)} records`));
  lines.push('');
  lines.push(bold('corpus'));
  lines.push(...tokenBlock(c, '  '));
  lines.push(`  sequences             ${count(c.sequences)}`);
  if (c.sequences > 0) {
    lines.push(`  mean seq. perplexity  ${num(c.mean_sequence_perplexity)} ${dim('(mean of per-sequence perplexities, not the corpus perplexity)')}`);
  }
  if (c.log_loss !== undefined) lines.push(`  log loss              ${num(c.log_loss)} nats over ${count(c.labels ?? 0)} labelled predictions`);
  if (c.documents !== undefined) {
    const parts: string[] = [];
    if (c.word_perplexity !== undefined) parts.push(`word perplexity ${num(c.word_perplexity)}`);
    if (c.byte_perplexity !== undefined) parts.push(`byte perplexity ${num(c.byte_perplexity)}`);
    if (c.lm_eval_bits_per_byte !== undefined) parts.push(`bits per byte ${num(c.lm_eval_bits_per_byte)}`);
    lines.push(`  lm-eval               ${parts.join(' · ')} ${dim(`(${count(c.documents)} documents)`)}`);
  }
  for (const segment of ['prompt', 'completion'] as const) {
    const s = report.segments[segment];
    if (s === undefined) continue;
    lines.push('');
    lines.push(bold(segment) + dim(` · ${count(s.sequences)} sequences`));
    lines.push(...tokenBlock(s, '  '));
  }
  if (report.files.length > 1 || report.files.some((f) => f.status === 'failed')) {
    lines.push('');
    lines.push(bold('inputs'));
    const width = Math.min(48, Math.max(...report.files.map((f) => f.file.length)));
    for (const f of report.files) {
      const formats = Object.keys(f.formats).join(',') || '-';
      const name = f.file.length > width ? `…${f.file.slice(-(width - 1))}` : f.file.padEnd(width);
      const status =
        f.status === 'failed'
          ? `FAILED: ${f.error ?? ''}`
          : `${count(f.corpus.tokens).padStart(9)} tokens  ppl ${num(f.corpus.perplexity).padStart(10)}  ${dim(formats)}` +
            (f.bad_records.count > 0 ? `  ${f.bad_records.count} bad` : '');
      lines.push(`  ${name}  ${status}`);
    }
  }
  if (report.bad_records.count > 0) {
    lines.push('');
    lines.push(bold(`bad records: ${count(report.bad_records.count)}`) + dim(' (skipped; the records around them count)'));
    for (const b of report.bad_records.examples) lines.push(`  ${where(b)}: ${b.reason}`);
    if (report.bad_records.examples.length < report.bad_records.count) {
      lines.push(dim(`  … and ${count(report.bad_records.count - report.bad_records.examples.length)} more (--dead-letter FILE keeps them all)`));
    }
  }
  if (report.failed_requests.count > 0) {
    lines.push('');
    lines.push(bold(`failed requests: ${count(report.failed_requests.count)}`));
    for (const b of report.failed_requests.examples) lines.push(`  ${where(b)}: ${b.reason}`);
  }
  if (report.notes.length > 0) {
    lines.push('');
    for (const note of report.notes) lines.push(dim(`note: ${note}`));
  }
  return `${lines.join('\n')}\n`;
}

function tokenBlock(m: TokenMetrics | CorpusMetrics, pad: string): string[] {
  const out = [
    `${pad}tokens                ${count(m.tokens)}`,
    `${pad}cross-entropy         ${num(m.cross_entropy)} nats/token ± ${num(m.standard_error)} (s.e.)`,
    `${pad}perplexity            ${num(m.perplexity)}`,
    `${pad}bits per token        ${num(m.bits_per_token)}`,
  ];
  if (m.bits_per_byte !== undefined && m.bytes !== undefined) {
    out.push(`${pad}bits per byte         ${num(m.bits_per_byte)} over ${count(m.bytes)} bytes`);
  }
  if (m.mean_entropy !== undefined) {
    out.push(`${pad}mean entropy          ${num(m.mean_entropy)} nats (${num(m.mean_entropy_bits ?? Number.NaN)} bits) over ${count(m.entropy_tokens ?? 0)} tokens`);
  }
  if (m.top_k !== undefined) {
    const upper = m.top_k.entropy_upper === undefined ? 'upper bound needs --vocab-size' : `≤ ${num(m.top_k.entropy_upper)}`;
    out.push(`${pad}top-k mass            ${num(m.top_k.mean_mass)} mean over ${count(m.top_k.tokens)} tokens` + (m.top_k.mass_above_one > 0 ? `, ${m.top_k.mass_above_one} above 1` : ''));
    out.push(`${pad}entropy (top-k)       ≥ ${num(m.top_k.entropy_lower)} nats, ${upper}`);
  }
  if (m.unscored > 0) out.push(`${pad}unscored (null)       ${count(m.unscored)}`);
  return out;
}
