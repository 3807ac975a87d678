import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import type { BadRecord } from './aggregate/corpus-accumulator.js';
import { Evaluation, type RollingReport } from './aggregate/evaluation.js';
import { XentError } from './errors.js';
import type { FormatName } from './formats/adapter.js';
import type { Segment } from './formats/scored-batch.js';
import { adapterByName } from './formats/registry.js';
import { buildReport, type Report } from './reports/report.js';
import { expandInputs } from './streams/expand-inputs.js';
import type { Framing } from './streams/open-input.js';
import { scoreInput } from './streams/score-input.js';
import { AUTO_MIN_BYTES, resolveThreads } from './threads/thread-count.js';
import { threadSetting, type ThreadSetting } from './threads/thread-setting.js';

export interface EvaluateOptions {
  /** Force one input format (default: detected per record). */
  format?: FormatName | 'auto';
  /** Which segments count (default all). */
  segment?: Segment | 'all';
  /** Score sentinel logprobs as given (default) or drop them; they are counted either way. */
  sentinels?: 'include' | 'exclude';
  /** Vocabulary size, for the upper bound on entropy from top-k. */
  vocabSize?: number;
  /** Keep per-sequence figures in the report. */
  perSequence?: boolean;
  /** Rolling report every N tokens (see onRolling). */
  every?: number;
  /** Files read at once (default 4). */
  concurrency?: number;
  /** Longest line kept, bytes (default 64 MiB); longer lines are bad records. */
  maxLineBytes?: number;
  /** Bad-record examples kept in the report (default 20; all are counted). */
  maxExamples?: number;
  framing?: Framing | 'auto';
  /** Read OpenAI chat and xent-sequence lines straight from their bytes (default true; same results either way). */
  fastPath?: boolean;
  /**
   * Worker threads (default 'auto': one per core, at most 4, once the inputs reach 256 MB). Same
   * results either way. Rolling reports (`every`, `onRolling`) and `onBadRecord` keep one thread.
   */
  threads?: ThreadSetting;
  /** What '-' reads (default process.stdin). */
  stdin?: Readable;
  onRolling?: (report: RollingReport) => void;
  onBadRecord?: (bad: BadRecord, raw: string | undefined) => void;
  /** Called with the finished evaluation just before the report is built (`--state-out` saves it). */
  onEvaluation?: (evaluation: Evaluation) => void;
  /** Called with the running totals as records are read, at most every 50 ms, and once when all files are done (for progress lines). */
  onProgress?: (progress: { records: number; tokens: number; filesDone: number; files: number }) => void;
}

/**
 * Evaluates files (or directories of them, or '-' for stdin) and returns the final report.
 * Files are read `concurrency` at a time; each streams through its own pipeline in bounded memory.
 * A file that cannot be read is reported as failed (`files[i].status`), and the others still count.
 */
export async function evaluate(paths: readonly string[], options: EvaluateOptions = {}): Promise<Report> {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new XentError('INVALID_OPTION', `Expected \`concurrency\` to be an integer from 1 and up, got ${concurrency}`);
  }
  const threads = threadSetting(options.threads);
  if (options.vocabSize !== undefined && (!Number.isInteger(options.vocabSize) || options.vocabSize < 1)) {
    throw new XentError('INVALID_OPTION', `Expected \`vocab-size\` to be an integer from 1 and up, got ${options.vocabSize}`);
  }
  const adapter = options.format === undefined || options.format === 'auto' ? undefined : adapterByName(options.format);
  const files = await expandInputs(paths);
  if (files.length === 0) throw new XentError('INPUT_NOT_FOUND', `no input files found in ${paths.join(', ') || '(none given)'}`);
  let evaluation: Evaluation;
  try {
    evaluation = new Evaluation(
      {
        segment: options.segment ?? 'all',
        sentinels: options.sentinels ?? 'include',
        vocabSize: options.vocabSize,
        keepSequences: options.perSequence ?? false,
        maxExamples: options.maxExamples ?? 20,
        every: options.every,
      },
      { onRolling: options.onRolling, onBadRecord: options.onBadRecord },
    );
  } catch (error) {
    throw new XentError('INVALID_OPTION', (error as Error).message, { cause: error });
  }
  // Formatting a progress line per record cost more than scoring a short record; nobody reads faster than this.
  let records = 0;
  let tokens = 0;
  let filesDone = 0;
  let nextProgress = 0;
  const progress = (): void => options.onProgress?.({ records, tokens, filesDone, files: files.length });
  const count = (newRecords: number, newTokens: number): void => {
    records += newRecords;
    tokens += newTokens;
    const now = Date.now();
    if (now >= nextProgress) {
      nextProgress = now + PROGRESS_INTERVAL_MS;
      progress();
    }
  };
  const scoreOptions = { adapter, framing: options.framing, maxLineBytes: options.maxLineBytes, stdin: options.stdin, fastPath: options.fastPath };
  const workers = await threadsFor(files, threads, options);
  if (workers > 1) {
    // Loaded only for a threaded run (worker_threads, the planner): start-up on small inputs.
    const { evaluateThreaded } = await import('./threads/evaluate-threaded.js');
    await evaluateThreaded(evaluation, files, {
      threads: workers,
      unit: {
        accumulator: evaluation.options,
        format: options.format ?? 'auto',
        framing: options.framing ?? 'auto',
        maxLineBytes: options.maxLineBytes,
        fastPath: options.fastPath ?? true,
      },
      main: scoreOptions,
      onProgress: (newRecords, newTokens, done) => {
        filesDone = done;
        count(newRecords, newTokens);
      },
    });
    progress();
    options.onEvaluation?.(evaluation);
    return buildReport(evaluation);
  }
  const limit = pLimit(concurrency);
  await Promise.all(
    files.map((file) => {
      const index = evaluation.addFile(file === '-' ? '<stdin>' : file);
      return limit(async () => {
        try {
          await scoreInput(
            file,
            (outcome) => {
              evaluation.accept(index, outcome);
              if (options.onProgress !== undefined) {
                let newTokens = 0;
                if (outcome.kind === 'scored') for (const item of outcome.items) if (item.kind === 'tokens') newTokens += item.logprobs.length;
                count(1, newTokens);
              }
            },
            scoreOptions,
          );
          evaluation.finishFile(index);
        } catch (error) {
          evaluation.failFile(index, error instanceof Error ? error.message : String(error));
        }
        filesDone++;
      });
    }),
  );
  progress();
  options.onEvaluation?.(evaluation);
  return buildReport(evaluation);
}

/**
 * Threads for this run (see resolveThreads). Rolling reports and dead letters follow the input's
 * order record by record, so they keep the run on one thread.
 */
async function threadsFor(files: readonly string[], threads: ThreadSetting, options: EvaluateOptions): Promise<number> {
  if (threads === 1) return 1;
  if (options.every !== undefined || options.onRolling !== undefined || options.onBadRecord !== undefined) return 1;
  let bytes = 0;
  for (const file of files) {
    // Only `auto` looks at the size, and only up to where it decides.
    if (file === '-' || bytes >= AUTO_MIN_BYTES) continue;
    try {
      bytes += (await stat(file)).size;
    } catch {
      // reported when read
    }
  }
  return resolveThreads(threads, bytes);
}

const PROGRESS_INTERVAL_MS = 50;
