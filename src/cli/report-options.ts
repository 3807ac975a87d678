import type { Argv } from 'yargs';
import { formatNames } from '../formats/registry.js';

/**
 * Files a command reads at once by default. A report sums each file apart and merges them in
 * input order, so reading four at once changes nothing but the time. An audit or a comparison
 * keeps examples, a rolling series, groups and sketches in the order records arrive, so files
 * read at once would make them vary from run to run; and as both are CPU-bound on one thread,
 * reading files one at a time cost nothing measurable (12 files of 25 MB: 1.9 s either way).
 */
export const CONCURRENCY = { report: 4, ordered: 1 };

/** Options shared by `report`, `audit` and `compare` (run reads them from the pipeline file instead). */
export function withEvaluationOptions<T>(yargs: Argv<T>, concurrency: number = CONCURRENCY.report) {
  return yargs
    .option('input-format', {
      alias: 'f',
      choices: ['auto', ...formatNames] as string[],
      default: 'auto',
      describe: 'Input format; auto detects it per record',
    })
    .option('segment', { choices: ['all', 'prompt', 'completion'] as const, default: 'all' as const, describe: 'Which tokens count' })
    .option('sentinels', {
      choices: ['include', 'exclude'] as const,
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
    .option('max-line-bytes', { type: 'number', default: 64 * 1024 * 1024, describe: 'Longest line read; longer ones are bad records' })
    .option('framing', {
      choices: ['auto', 'lines', 'json-array', 'json-value'] as const,
      default: 'auto' as const,
      describe: 'How files hold records: JSON lines, or one JSON document (auto: by name and content)',
    });
}
