import type { Argv } from 'yargs';
import { formatNames } from '../formats/registry.js';
import { FRAMING_CHOICES, SEGMENT_CHOICES, SENTINEL_CHOICES } from './evaluation-choices.js';
import { CONCURRENCY, DEFAULT_MAX_LINE_BYTES } from './input-settings.js';

/** Options shared by `report`, `audit` and `compare` (run reads them from the pipeline file instead). */
export function withEvaluationOptions<T>(yargs: Argv<T>, concurrency: number = CONCURRENCY.report) {
  return yargs
    .option('input-format', {
      alias: 'f',
      choices: ['auto', ...formatNames] as string[],
      default: 'auto',
      describe: 'Input format; auto detects it per record',
    })
    .option('segment', { choices: SEGMENT_CHOICES, default: 'all' as const, describe: 'Which tokens count' })
    .option('sentinels', {
      choices: SENTINEL_CHOICES,
      default: 'include' as const,
      describe: 'Score sentinel logprobs (-9999, -3.4e38, -100, -Infinity) as given, or drop them; counted either way',
    })
    .option('vocab-size', { type: 'number', describe: 'Vocabulary size, for the upper bound on entropy from top-k' })
    .option('concurrency', {
      type: 'number',
      default: concurrency,
      describe:
        concurrency === CONCURRENCY.report
          ? 'Files read at once'
          : 'Files read at once; above 1 their records interleave, and examples, the rolling series, groups and quantiles follow that order',
    })
    .option('max-line-bytes', { type: 'number', default: DEFAULT_MAX_LINE_BYTES, describe: 'Longest line read; longer ones are bad records' })
    .option('framing', {
      choices: FRAMING_CHOICES,
      default: 'auto' as const,
      describe: 'How files hold records: JSON lines, or one JSON document (auto: by name and content)',
    });
}
