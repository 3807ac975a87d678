import { expectInteger } from './option-checks.js';
import { UsageError } from './usage-error.js';

/**
 * `xent compare`'s settings: its defaults (also a pipeline's, in mode compare) and the checks of its options, run once
 * when the command line is parsed (a pipeline's are checked by parsePipeline).
 */
export const COMPARE_DEFAULTS = { top: 10, bootstrap: 1000, seed: 1, partitions: 64 };

/** The compare options as yargs parses them, before any check. */
export interface CompareArgs {
  top: number;
  bootstrap: number;
  partitions: number;
  concurrency: number;
  'max-line-bytes': number;
  seed: number;
  'max-mean-difference'?: number;
  kl?: boolean;
  'max-mean-kl'?: number;
}

export function checkCompareArgs(argv: CompareArgs): true {
  expectInteger('top', argv.top, 0);
  // Fewer than 10 replicates give no interval worth the name.
  expectInteger('bootstrap', argv.bootstrap, 10);
  for (const name of ['partitions', 'concurrency', 'max-line-bytes'] as const) expectInteger(name, argv[name], 1);
  if (!Number.isInteger(argv.seed)) throw new UsageError(`Expected \`--seed\` to be an integer, got ${argv.seed}`);
  const limit = argv['max-mean-difference'];
  if (limit !== undefined && !Number.isFinite(limit)) throw new UsageError(`Expected \`--max-mean-difference\` to be a number (nats), got ${limit}`);
  const kl = argv['max-mean-kl'];
  if (kl !== undefined) {
    if (!(Number.isFinite(kl) && kl >= 0)) throw new UsageError(`Expected \`--max-mean-kl\` to be a number of nats from 0 and up, got ${kl}`);
    if (argv.kl !== true) throw new UsageError('`--max-mean-kl` needs `--kl` (without it no KL is computed)');
  }
  return true;
}
