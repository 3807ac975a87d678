import { threadSetting, type ThreadSetting } from '../threads/thread-setting.js';
import { asUsage, expectInteger } from './option-checks.js';
import { UsageError } from './usage-error.js';

/**
 * `xent report`'s settings: its defaults and the checks of its options, run once when the command line is parsed
 * (a pipeline's report settings are checked by parsePipeline). The rolling window is `--window N` (a rolling line each
 * N tokens, over the last N), as in `xent watch` and a pipeline's `windows.tokens`; `--every` is its older name.
 */
export const REPORT_DEFAULTS = { threads: 'auto' as ThreadSetting };

/** The report options as yargs parses them, before any check. */
export interface ReportArgs {
  files?: unknown;
  ndjson?: boolean;
  window?: number;
  concurrency: number;
  'vocab-size'?: number;
  threads: unknown;
  'max-line-bytes': number;
}

export function checkReportArgs(argv: ReportArgs): true {
  const files = argv.files as string[] | undefined;
  if (files === undefined || files.length === 0) throw new UsageError('Give at least one file, directory, or - for stdin.');
  if (argv.window !== undefined && !argv.ndjson) throw new UsageError('--window (or --every) needs --ndjson (rolling reports are NDJSON lines).');
  expectInteger('window', argv.window, 1, true);
  expectInteger('concurrency', argv.concurrency, 1);
  expectInteger('vocab-size', argv['vocab-size'], 1, true);
  reportThreads(argv.threads);
  expectInteger('max-line-bytes', argv['max-line-bytes'], 1);
  return true;
}

/** `--threads` as typed (a number or auto), checked by the same rule as the library's `threads`. */
export function reportThreads(value: unknown): ThreadSetting {
  return asUsage(() => threadSetting(value, '--threads'));
}
