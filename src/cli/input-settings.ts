import type { FormatName } from '../formats/adapter.js';
import type { Segment } from '../formats/scored-batch.js';
import type { Framing } from '../streams/open-input.js';

/**
 * Files a command reads at once by default. A report sums each file apart and merges them in
 * input order, so reading four at once changes nothing but the time. An audit or a comparison
 * keeps examples, a rolling series, groups and sketches in the order records arrive, so files
 * read at once would make them vary from run to run; and as both are CPU-bound on one thread,
 * reading files one at a time cost nothing measurable (12 files of 25 MB: 1.9 s either way).
 */
export const CONCURRENCY = { report: 4, ordered: 1 };

/** The longest line read by default, by every command (a line `report` counts must not be bad under `watch`). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * How audit and compare read their inputs, whether the settings come from the command line
 * (withEvaluationOptions) or from a pipeline: mapped once here, spread into auditFiles and
 * compareFiles as they are.
 */
export interface InputSettings {
  format: FormatName | 'auto';
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  concurrency: number;
  /** Undefined: the reader's default. */
  maxLineBytes?: number;
  framing: Framing | 'auto';
}

/** withEvaluationOptions' options as yargs parses them (camel case). */
export interface EvaluationArgs {
  inputFormat: string;
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  concurrency: number;
  maxLineBytes: number;
  framing: string;
}

export function inputSettings(argv: EvaluationArgs): InputSettings {
  return {
    format: argv.inputFormat as FormatName | 'auto',
    segment: argv.segment,
    sentinels: argv.sentinels,
    concurrency: argv.concurrency,
    maxLineBytes: argv.maxLineBytes,
    framing: argv.framing as Framing | 'auto',
  };
}
