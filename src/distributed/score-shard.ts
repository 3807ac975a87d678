import { open } from 'node:fs/promises';
import { CorpusAccumulator } from '../aggregate/corpus-accumulator.js';
import type { AccumulatorState } from '../aggregate/corpus-state.js';
import type { FileState, StateRange } from '../state/report-state.js';
import { lineStartAt } from '../threads/line-start.js';
import { scoreUnit } from '../threads/score-unit.js';
import type { UnitOptions } from '../threads/work-unit.js';

/** Bytes [start, end) of a file; `end` undefined (or past the end) for the whole file. */
export interface ShardSpan {
  path: string;
  start: number;
  end?: number;
}

/**
 * Reads one shard of a file into a FileState, with the same reader as `xent report` (threads'
 * scoreUnit). The shard owns the lines that start inside [start, end): both edges move to the next
 * line start, so neighbouring shards meet exactly. A shard that is the whole file is read as a
 * whole input (gzip, JSON arrays too) and its sequences closed; a range keeps its open sequences
 * for the merge to join.
 *
 * The range records what the merge needs to know whether its file's ranges join exactly (see
 * mergeReportStates); submitting a file as one shard is always exact.
 */
export async function scoreShard(span: ShardSpan, options: UnitOptions): Promise<FileState> {
  const handle = await open(span.path, 'r');
  let start: number;
  let end: number;
  let size: number;
  try {
    size = (await handle.stat()).size;
    start = await lineStartAt(handle, span.start, size);
    end = span.end === undefined || span.end >= size ? size : await lineStartAt(handle, span.end, size);
  } finally {
    await handle.close();
  }
  const whole = start === 0 && end === size;
  if (whole && span.end === undefined) {
    const result = await scoreUnit({ path: span.path, start: 0, startLine: 1, lineExact: true }, options);
    if (result.state === undefined) return failed(span.path, result.error ?? 'unreadable', options);
    return { file: span.path, status: result.error === undefined ? 'ok' : 'failed', accumulator: result.state, ...(result.error === undefined ? {} : { error: result.error }) };
  }
  const range: StateRange = { start, end, size, lines: 0, line_exact: start === 0, whole_records: true, line_ids: false };
  if (start >= end) return { file: span.path, status: 'ok', range, accumulator: emptyState(options) };
  const result = await scoreUnit({ path: span.path, start, end, startLine: 1, lineExact: start === 0 }, options);
  if (result.error !== undefined || result.state === undefined) {
    return { ...failed(span.path, result.error ?? 'unreadable', options), range };
  }
  range.lines = result.lines;
  range.whole_records = result.wholeRecords;
  range.line_ids = result.fallbackIds;
  // The merge checks the file's ranges together (see unjoinableRanges); a range that fails the
  // check on its own fails here, before its state travels anywhere.
  const closed = result.state.sequences + result.state.emptySequences;
  if (!result.wholeRecords && closed > 0 && start > 0) {
    return {
      ...failed(span.path, `${span.path} bytes ${start}–${end}: sequences span records and close with "final", so a shard edge could split one; submit this file as one shard (a larger --shard-size)`, options),
      range,
    };
  }
  if (!result.wholeRecords && result.fallbackIds) {
    return { ...failed(span.path, `${span.path} bytes ${start}–${end}: records without ids span lines; submit this file as one shard (a larger --shard-size)`, options), range };
  }
  return { file: span.path, status: 'ok', range, accumulator: result.state };
}

function failed(path: string, error: string, options: UnitOptions): FileState {
  return { file: path, status: 'failed', error, accumulator: emptyState(options) };
}

/** An accumulator that saw nothing: a failed or empty shard adds nothing but its error. */
function emptyState(options: UnitOptions): AccumulatorState {
  return new CorpusAccumulator(options.accumulator).toJSON();
}
