import type { AccumulatorOptions, AccumulatorState, SequenceFigures } from '../aggregate/corpus-accumulator.js';
import type { FormatName } from '../formats/adapter.js';
import type { Framing } from '../streams/open-input.js';

/**
 * A piece of work for a thread: a whole input (`end` undefined), read as the single-threaded path
 * reads it, or a byte range [start, end) of a JSON-lines file that starts on a line.
 */
export interface WorkUnit {
  path: string;
  start: number;
  end?: number;
  /** Number of the range's first line: exact for a whole file or the first range, else provisional. */
  startLine: number;
  lineExact: boolean;
}

/** How every unit of a run is read and counted (plain data: it crosses into worker threads). */
export interface UnitOptions {
  accumulator: AccumulatorOptions;
  format: FormatName | 'auto';
  framing: Framing | 'auto';
  maxLineBytes?: number;
  fastPath: boolean;
  /** Bytes per read of a plain file (default the main thread's); the pool sets it by its size (unitReadBytes). */
  readBytes?: number;
}

export interface UnitResult {
  /** The unit's accumulator (a whole file's finished; a range's as it stood after its last line). */
  state?: AccumulatorState;
  finished?: SequenceFigures[];
  /**
   * The mean-perplexity log-sum-exp as it stands: its JSON form writes a non-finite maximum or sum
   * as null, and these values cross threads by structured clone, which keeps them.
   */
  logPerplexity?: { max: number; sum: number };
  /** Lines framed in a range. */
  lines: number;
  /** True when every token batch closed its sequence: the range can be merged with its neighbours. */
  wholeRecords: boolean;
  /** True when a record of a range without exact line numbers was named after its line. */
  fallbackIds: boolean;
  /** The input could not be read: the main thread reads it again, to report it as a single pass does. */
  error?: string;
}

/** Runs units: a pool of worker threads, or the same code in-process (tests). */
export interface UnitRunner {
  run(unit: WorkUnit): Promise<UnitResult>;
  close(): Promise<void>;
}
