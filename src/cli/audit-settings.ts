import type { RankMetric } from '../audit/sequence-scores.js';
import { parseAnomalyLimits } from '../audit/thresholds.js';
import { expectInteger } from './option-checks.js';
import { UsageError } from './usage-error.js';

/**
 * `xent audit`'s settings: its defaults (also a pipeline's, in mode audit) and the checks of its options, run once
 * when the command line is parsed (a pipeline's are checked by parsePipeline).
 */
export const AUDIT_DEFAULTS = { top: 10, rankBy: 'cross-entropy' as RankMetric, maxGroups: 1000, detailTokens: 200 };

/** The audit options as yargs parses them, before any check. */
export interface AuditArgs {
  files?: unknown;
  top?: number;
  'detail-tokens'?: number;
  'max-bad-records'?: number;
  'max-groups': number;
  concurrency: number;
  'max-line-bytes': number;
  'vocab-size'?: number;
  'max-perplexity'?: number;
  'max-p99-perplexity'?: number;
  'max-anomalies'?: unknown;
}

export function checkAuditArgs(argv: AuditArgs): true {
  const files = argv.files as string[] | undefined;
  if (files === undefined || files.length === 0) throw new UsageError('Give at least one file, directory, or - for stdin.');
  for (const name of ['top', 'detail-tokens', 'max-bad-records'] as const) expectInteger(name, argv[name], 0, true);
  for (const name of ['max-groups', 'concurrency', 'max-line-bytes'] as const) expectInteger(name, argv[name], 1);
  expectInteger('vocab-size', argv['vocab-size'], 1, true);
  for (const name of ['max-perplexity', 'max-p99-perplexity'] as const) {
    const v = argv[name];
    if (v !== undefined && !(v >= 1)) throw new UsageError(`Expected \`--${name}\` to be a number from 1 and up, got ${v}`);
  }
  try {
    parseAnomalyLimits((argv['max-anomalies'] as string[] | undefined) ?? []);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return true;
}
