import { parsePath } from '../audit/dotted-path.js';
import { DEFAULT_MAX_LINE_BYTES } from './input-settings.js';
import { expectInteger } from './option-checks.js';
import { STDIN_TOKEN, UsageError } from './usage-error.js';

/**
 * `xent watch`'s settings: its defaults (also a pipeline's, in mode watch) and the checks of its options, run once
 * when the command line is parsed (a pipeline's are checked by parsePipeline). `--window` is the rolling window's
 * size in tokens, the name `xent report` and a pipeline's `windows.tokens` use too.
 */
export const WATCH_DEFAULTS = {
  interval: '10s',
  window: 10_000,
  poll: '1s',
  checkpointInterval: '5s',
  metricsHost: '127.0.0.1',
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  releaseAfter: '5m',
  /** Distinct --group-by values with their own figures (and Prometheus series); later ones share one overflow group. */
  maxGroups: 100,
};

/** The watch options as yargs parses them, before any check. */
export interface WatchArgs {
  files?: unknown;
  window: number;
  'max-line-bytes': number;
  'metrics-port'?: number;
  'group-by'?: string;
  'max-groups': number;
}

export function checkWatchArgs(argv: WatchArgs): true {
  const files = (argv.files as string[] | undefined) ?? [];
  if (files.includes(STDIN_TOKEN)) throw new UsageError('xent watch follows files; for stdin use xent report - --ndjson --window N.');
  expectInteger('window', argv.window, 1);
  expectInteger('max-line-bytes', argv['max-line-bytes'], 1);
  expectInteger('max-groups', argv['max-groups'], 1);
  const groupBy = argv['group-by'];
  if (groupBy !== undefined) {
    try {
      parsePath(groupBy, '--group-by');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const port = argv['metrics-port'];
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new UsageError(`Expected \`--metrics-port\` to be a port number, got ${port}`);
  }
  return true;
}
