import { CorpusAccumulator, type AccumulatorOptions } from '../aggregate/corpus-accumulator.js';
import { accumulatorStateProblem, type AccumulatorState } from '../aggregate/corpus-state.js';
import { Evaluation } from '../aggregate/evaluation.js';
import type { Segment } from '../formats/scored-batch.js';

/** The settings that change what is counted: states taken under different ones cannot be merged. */
export interface StateSettings {
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  vocab_size: number | null;
  max_examples: number;
}

/**
 * Part of an input: the lines that start in bytes [start, end) of `file`. `lines` is how many
 * there were; unless `line_exact`, the state's line numbers count from the range's first line and
 * the merge shifts them once the ranges before it are known.
 */
export interface StateRange {
  start: number;
  end: number;
  /** The file's size when the range was read: the ranges of a file must cover [0, size). */
  size: number;
  lines: number;
  line_exact: boolean;
  /** Every token batch closed its sequence: no sequence of this range spans records. */
  whole_records: boolean;
  /** Some sequence id was made from a (provisional) line number. */
  line_ids: boolean;
}

export interface FileState {
  file: string;
  status: 'ok' | 'failed';
  error?: string;
  /** Absent for a whole input (its sequences all closed); present for a shard (sequences may stay open). */
  range?: StateRange;
  accumulator: AccumulatorState;
}

/** The payload of a state file: everything `xent report` needs to print the same report again. */
export interface ReportState {
  settings: StateSettings;
  files: FileState[];
}

/** The state of a finished evaluation, whole inputs only. */
export function reportStateOf(evaluation: Evaluation): ReportState {
  const o = evaluation.options;
  return {
    settings: settingsOf(o),
    files: evaluation.inputs().map(({ file, accumulator, status, error }) => {
      const state: FileState = { file, status, accumulator: accumulator.toJSON() };
      if (error !== undefined) state.error = error;
      return state;
    }),
  };
}

export function settingsOf(o: AccumulatorOptions): StateSettings {
  return { segment: o.segment, sentinels: o.sentinels, vocab_size: o.vocabSize ?? null, max_examples: o.maxExamples };
}

/** What is wrong with a value read as a ReportState, or undefined. */
export function reportStateProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the payload is not an object';
  const v = value as Partial<ReportState>;
  const s = v.settings;
  if (typeof s !== 'object' || s === null) return 'settings are missing';
  if (!['all', 'prompt', 'completion'].includes(s.segment as string)) return `settings.segment is ${JSON.stringify(s.segment)}`;
  if (!['include', 'exclude'].includes(s.sentinels as string)) return `settings.sentinels is ${JSON.stringify(s.sentinels)}`;
  if (s.vocab_size !== null && !Number.isInteger(s.vocab_size)) return 'settings.vocab_size is not an integer or null';
  if (!Number.isInteger(s.max_examples)) return 'settings.max_examples is not an integer';
  if (!Array.isArray(v.files)) return 'files is not a list';
  for (const [i, f] of v.files.entries()) {
    if (typeof f !== 'object' || f === null || typeof f.file !== 'string') return `files[${i}] has no file name`;
    if (f.status !== 'ok' && f.status !== 'failed') return `files[${i}].status is ${JSON.stringify(f.status)}`;
    const r = f.range;
    if (r !== undefined && !(Number.isInteger(r.start) && Number.isInteger(r.end) && Number.isInteger(r.size) && Number.isInteger(r.lines) && typeof r.line_exact === 'boolean' && typeof r.whole_records === 'boolean' && typeof r.line_ids === 'boolean' && r.start <= r.end)) {
      return `files[${i}].range is malformed`;
    }
    const problem = accumulatorStateProblem(f.accumulator);
    if (problem !== undefined) return `files[${i}] (${f.file}): ${problem}`;
  }
  return undefined;
}

/** Why two named states cannot be merged, naming the setting; undefined when they can. */
export function settingsConflict(a: { name: string; settings: StateSettings }, b: { name: string; settings: StateSettings }): string | undefined {
  const flags: [keyof StateSettings, string][] = [
    ['segment', '--segment'],
    ['sentinels', '--sentinels'],
    ['vocab_size', '--vocab-size'],
  ];
  for (const [key, flag] of flags) {
    if (a.settings[key] !== b.settings[key]) {
      const show = (x: unknown): string => (x === null ? '(not set)' : String(x));
      return `${a.name} and ${b.name} were taken with different ${flag} (${show(a.settings[key])} and ${show(b.settings[key])}): their figures do not add up`;
    }
  }
  return undefined;
}

export class StateMergeError extends Error {
  override readonly name = 'StateMergeError';
}

/**
 * The union of states as one Evaluation, equal to a single run over their inputs in order: whole
 * inputs are adopted as they are; the ranges of one file are merged in byte order (open sequences
 * joined, line numbers shifted to the true ones) and must cover it from byte 0 without a gap or an
 * overlap; then the file's open sequences are closed, as the end of an input closes them. Files
 * are taken in name order (code points), whatever order the states come in, so the merge is
 * commutative down to the bad-record examples kept: it equals `xent report` over the files sorted.
 */
export function mergeReportStates(states: readonly { name: string; state: ReportState }[]): Evaluation {
  const first = states[0];
  if (first === undefined) throw new StateMergeError('no states to merge');
  for (const other of states.slice(1)) {
    const conflict = settingsConflict({ name: first.name, settings: first.state.settings }, { name: other.name, settings: other.state.settings });
    if (conflict !== undefined) throw new StateMergeError(conflict);
  }
  const s = first.state.settings;
  const options: AccumulatorOptions = {
    segment: s.segment,
    sentinels: s.sentinels,
    keepSequences: false,
    maxExamples: s.max_examples,
  };
  if (s.vocab_size !== null) options.vocabSize = s.vocab_size;
  const evaluation = new Evaluation(options);
  const ranged = new Map<string, { name: string; file: FileState }[]>();
  const order: (FileState | string)[] = [];
  for (const { name, state } of states) {
    for (const file of state.files) {
      if (file.range === undefined) {
        order.push(file);
        continue;
      }
      let parts = ranged.get(file.file);
      if (parts === undefined) {
        parts = [];
        ranged.set(file.file, parts);
        order.push(file.file);
      }
      parts.push({ name, file });
    }
  }
  const nameOf = (entry: FileState | string): string => (typeof entry === 'string' ? entry : entry.file);
  // A stable sort: the same file reported whole twice keeps the order its states were given in.
  order.sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
  for (const entry of order) {
    if (typeof entry !== 'string') {
      const index = evaluation.adopt(entry.file, CorpusAccumulator.fromJSON(entry.accumulator, options));
      if (entry.status === 'failed') evaluation.failFile(index, entry.error ?? entry.file);
      continue;
    }
    const parts = (ranged.get(entry) ?? []).sort((a, b) => {
      const x = a.file.range as StateRange;
      const y = b.file.range as StateRange;
      return x.start - y.start || x.end - y.end;
    });
    const merged = new CorpusAccumulator(options);
    let end = 0;
    let line = 1;
    let failed: string | undefined;
    for (const { name, file } of parts) {
      const range = file.range as StateRange;
      if (range.start !== end) {
        const what = range.start > end ? `bytes ${end}–${range.start} are in no state` : `bytes ${range.start}–${Math.min(end, range.end)} are in two states (${name} and another)`;
        throw new StateMergeError(`the shards of ${entry} do not fit together: ${what}`);
      }
      const accumulator = CorpusAccumulator.fromJSON(file.accumulator, options);
      if (!range.line_exact) shiftLines(accumulator, line - 1);
      merged.merge(accumulator);
      if (file.status === 'failed') failed ??= file.error ?? entry;
      end = range.end;
      line += range.lines;
    }
    const size = (parts[0]?.file.range as StateRange).size;
    const unjoinable = unjoinableRanges(parts.map((p) => p.file));
    if (unjoinable !== undefined) failed ??= `${entry}: ${unjoinable}`;
    if (end !== size) throw new StateMergeError(`the shards of ${entry} do not fit together: bytes ${end}–${size} are in no state`);
    merged.finish();
    // Figures that could be wrong are not shown: the file is reported failed with why.
    const index = evaluation.adopt(entry, unjoinable === undefined ? merged : new CorpusAccumulator(options));
    if (failed !== undefined) evaluation.failFile(index, failed);
  }
  return evaluation;
}

/**
 * Why the ranges of one file cannot be joined exactly, or undefined. Where sequences span records,
 * a range after the first that closed a sequence may have closed the tail of one begun before it
 * (and counted the tail as a sequence of its own); ids made from provisional line numbers would
 * join the wrong sequences. Sequences that span records and close only at the end of the file
 * (one-token lines without "final") stay open in every range and join exactly.
 */
function unjoinableRanges(parts: readonly FileState[]): string | undefined {
  if (parts.length < 2 || parts.every((p) => (p.range as StateRange).whole_records)) return undefined;
  if (parts.some((p) => (p.range as StateRange).line_ids)) return 'records without ids span lines, so its shards cannot be joined; submit it as one shard (a larger --shard-size)';
  const closedLater = parts.some((p) => (p.range as StateRange).start > 0 && p.accumulator.sequences + p.accumulator.emptySequences > 0);
  if (closedLater) return 'sequences span records and close with "final", so a shard edge could split one; submit it as one shard (a larger --shard-size)';
  return undefined;
}

/** Line numbers counted from a range's first line → the file's. */
function shiftLines(accumulator: CorpusAccumulator, shift: number): void {
  if (shift === 0) return;
  const move = <T extends { line?: number }>(items: T[]): T[] => items.map((item) => (item.line === undefined ? item : { ...item, line: item.line + shift }));
  accumulator.badExamples = move(accumulator.badExamples);
  accumulator.failedExamples = move(accumulator.failedExamples);
  for (const seq of accumulator.open.values()) if (seq.line !== undefined) seq.line += shift;
}
