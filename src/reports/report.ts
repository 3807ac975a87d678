import type { Evaluation, FileFigures } from '../aggregate/evaluation.js';
import type { CorpusAccumulator, CorpusMetrics, CorpusSnapshot, SequenceFigures } from '../aggregate/corpus-accumulator.js';
import { XENT_VERSION } from '../version.js';

export interface ReportOptionsEcho {
  segment: string;
  sentinels: string;
  vocab_size?: number;
}

/** The final report: what `--json` prints and what the library's `evaluate` returns. */
export interface Report extends CorpusSnapshot {
  type: 'final';
  xent_version: string;
  options: ReportOptionsEcho;
  files: FileFigures[];
  sequences?: SequenceFigures[];
  /** Plain-language remarks on what was counted apart (sentinels, unscored tokens, overflow…). */
  notes: string[];
  /** Figures per group (`xent watch --group-by`). */
  groups?: GroupReport[];
}

/** One group's figures: `group` null is records without the field, or (`overflow`) the values past --max-groups. */
export interface GroupReport {
  group: string | null;
  overflow: boolean;
  corpus: CorpusMetrics;
}

/** Each group's corpus figures, in the order the groups were first seen (undefined when not grouped). */
export function groupReports(accumulator: CorpusAccumulator): GroupReport[] | undefined {
  return accumulator.groups?.entries().map(({ group, overflow, accumulator: a }) => ({ group, overflow, corpus: a.snapshot().corpus }));
}

export function buildReport(evaluation: Evaluation): Report {
  const corpus = evaluation.corpus();
  const snapshot = corpus.snapshot();
  const options: ReportOptionsEcho = {
    segment: evaluation.options.segment,
    sentinels: evaluation.options.sentinels,
  };
  if (evaluation.options.vocabSize !== undefined) options.vocab_size = evaluation.options.vocabSize;
  const report: Report = {
    type: 'final',
    xent_version: XENT_VERSION,
    options,
    ...snapshot,
    files: evaluation.fileFigures(),
    notes: notesFor(snapshot, evaluation.options.sentinels),
  };
  if (evaluation.options.keepSequences) report.sequences = evaluation.sequences();
  const groups = groupReports(corpus);
  if (groups !== undefined) report.groups = groups;
  return report;
}

function notesFor(snapshot: CorpusSnapshot, sentinels: string): string[] {
  const c = snapshot.corpus;
  const notes: string[] = [];
  const sentinelTotal = Object.values(c.sentinels).reduce((a, b) => a + b, 0);
  if (sentinelTotal > 0) {
    const kinds = Object.entries(c.sentinels)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} × ${k}`)
      .join(', ');
    notes.push(
      sentinels === 'exclude'
        ? `${sentinelTotal} sentinel logprob(s) (${kinds}) were excluded from every figure (--sentinels exclude).`
        : `${sentinelTotal} sentinel logprob(s) (${kinds}) are scored as given; --sentinels exclude drops them.`,
    );
  }
  if (c.unscored > 0) notes.push(`${c.unscored} position(s) had a null logprob (not scored, e.g. a first prompt token) and are not counted as tokens.`);
  if (c.tokens > 0 && !Number.isFinite(c.perplexity)) {
    notes.push('Perplexity overflows a double (cross-entropy above ~709.78 nats, or a −Infinity logprob): shown as null in JSON.');
  }
  if (c.tokens_with_bytes !== undefined && c.tokens_with_bytes < c.tokens) {
    notes.push(`bits_per_byte covers the ${c.tokens_with_bytes} of ${c.tokens} tokens whose bytes were given.`);
  }
  if (c.empty_sequences > 0) notes.push(`${c.empty_sequences} sequence(s) had no scored token and are not counted as sequences.`);
  if (snapshot.bad_records.count > 0) notes.push(`${snapshot.bad_records.count} bad record(s) were skipped; the records around them count.`);
  if (c.failed_requests > 0) notes.push(`${c.failed_requests} failed API request(s) were counted and not scored.`);
  return notes;
}
