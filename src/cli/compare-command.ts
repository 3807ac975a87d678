import type { Argv, ArgumentsCamelCase } from 'yargs';
import { commandOutputs } from '../audit/write-output.js';
import { checkCompareArgs, COMPARE_DEFAULTS } from './compare-settings.js';
import { CONCURRENCY, inputSettings } from './input-settings.js';
import { withEvaluationOptions } from './report-options.js';
import type { Io } from './report-runner.js';
import { restoreStdin } from './usage-error.js';

export const command = 'compare <a> <b>';
export const describe = 'Compare two dumps of the same prompts: mean difference with a bootstrap CI, win rate, most changed';

export function builder(yargs: Argv) {
  return withEvaluationOptions(yargs, CONCURRENCY.ordered)
    .positional('a', { type: 'string', demandOption: true, describe: 'Side A: a dump file or a directory of them' })
    .positional('b', { type: 'string', demandOption: true, describe: 'Side B: a dump file or a directory of them' })
    .option('key', { type: 'string', describe: 'Dotted path into each record that identifies the prompt (default: the format\'s sequence id)' })
    .option('top', { type: 'number', default: COMPARE_DEFAULTS.top, describe: 'Most-changed sequences to list' })
    .option('bootstrap', { type: 'number', default: COMPARE_DEFAULTS.bootstrap, describe: 'Bootstrap replicates for the 95% CI' })
    .option('seed', { type: 'number', default: COMPARE_DEFAULTS.seed, describe: 'Seed of the bootstrap\'s PRNG' })
    .option('partitions', { type: 'number', default: COMPARE_DEFAULTS.partitions, describe: 'Hash partitions on disk; memory holds about 1/N of side A' })
    .option('kl', {
      type: 'boolean',
      describe: 'Also compare the distributions position by position: KL(A ‖ B) (exact from full rows, a lower bound from top-k), same top-1, Δp',
    })
    .option('json', { type: 'boolean', describe: 'Print the comparison as one JSON object' })
    .option('markdown', { type: 'boolean', describe: 'Print the comparison as Markdown' })
    .option('html', { type: 'string', describe: 'Also write a self-contained HTML page to this file' })
    .option('out', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('dead-letter', { type: 'string', describe: 'Append every bad line to this file as NDJSON {side, file, line, offset, code, reason, raw}' })
    .option('max-mean-difference', { type: 'number', describe: 'Threshold: exit 4 when the CI\'s lower end is above this (B worse by more than N nats)' })
    .option('max-mean-kl', {
      type: 'number',
      describe: 'Threshold (with --kl): exit 4 when the mean KL is above this (nats; with top-k, when its lower bound already is)',
    })
    .conflicts('json', 'markdown')
    .check((argv) => checkCompareArgs(argv));
}

type CompareArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: CompareArgs): Promise<void> => {
    const [a, b] = restoreStdin([argv.a as string, argv.b as string]) as [string, string];
    // The runner (and the comparison engine behind it) loads only when a comparison runs: see build-yargs.
    const { runCompare } = await import('./compare-runner.js');
    setExitCode(
      await runCompare(
        {
          a,
          b,
          read: inputSettings(argv),
          key: argv.key,
          top: argv.top,
          bootstrap: argv.bootstrap,
          seed: argv.seed,
          partitions: argv.partitions,
          kl: argv.kl === true,
          outputs: commandOutputs(argv),
          deadLetter: argv.deadLetter,
          maxMeanDifference: argv.maxMeanDifference,
          maxMeanKl: argv.maxMeanKl,
        },
        io,
      ),
    );
  };
}
