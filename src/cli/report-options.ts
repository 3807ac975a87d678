import type { Argv } from 'yargs';
import { formatNames } from '../formats/registry.js';

/** Options shared by `report` and `run` (run reads them from the pipeline file instead). */
export function withEvaluationOptions<T>(yargs: Argv<T>) {
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
    .option('concurrency', { type: 'number', default: 4, describe: 'Files read at once' })
    .option('max-line-bytes', { type: 'number', default: 64 * 1024 * 1024, describe: 'Longest line read; longer ones are bad records' })
    .option('framing', {
      choices: ['auto', 'lines', 'json-array', 'json-value'] as const,
      default: 'auto' as const,
      describe: 'How files hold records: JSON lines, or one JSON document (auto: by name and content)',
    });
}
