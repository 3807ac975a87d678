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
  /** What '-' reads (default process.stdin). */
  stdin?: Readable;
  onRolling?: (report: RollingReport) => void;
  onBadRecord?: (bad: BadRecord, raw: string | undefined) => void;
  /** Called after each record with the running totals (for progress lines). */
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
  const limit = pLimit(concurrency);
  let records = 0;
  let tokens = 0;
  let filesDone = 0;
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
                records++;
                if (outcome.kind === 'scored') for (const item of outcome.items) if (item.kind === 'tokens') tokens += item.logprobs.length;
                options.onProgress({ records, tokens, filesDone, files: files.length });
              }
            },
            { adapter, framing: options.framing, maxLineBytes: options.maxLineBytes, stdin: options.stdin },
          );
          evaluation.finishFile(index);
        } catch (error) {
          evaluation.failFile(index, error instanceof Error ? error.message : String(error));
        }
        filesDone++;
      });
    }),
  );
  return buildReport(evaluation);
}
