import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { Io } from './report-runner.js';
import { UsageError } from './usage-error.js';

export const command = 'merge [states..]';
export const describe = 'Print the report of several state files (from report --state-out or collected shards) as one run over all their inputs';

export function builder(yargs: Argv) {
  return yargs
    .positional('states', { type: 'string', array: true, describe: 'State files (.json, or .json.gz)' })
    .option('json', { type: 'boolean', describe: 'Print the report as one JSON object' })
    .option('markdown', { type: 'boolean', describe: 'Print the report as Markdown' })
    .option('out', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('state-out', { type: 'string', describe: 'Also write the merged state to this file (.gz: gzip), to merge again later' })
    .option('strict', { type: 'boolean', default: false, describe: 'Exit 3 when any record was bad or any request failed' })
    .conflicts('json', 'markdown')
    .check((argv) => {
      const states = argv.states as string[] | undefined;
      if (states === undefined || states.length === 0) throw new UsageError('Give at least one state file (xent report FILES --state-out STATE writes one).');
      return true;
    });
}

type MergeArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: MergeArgs): Promise<void> => {
    const { runMerge } = await import('./merge-runner.js');
    setExitCode(
      await runMerge(
        {
          states: (argv.states as string[] | undefined) ?? [],
          mode: argv.json ? 'json' : argv.markdown ? 'markdown' : 'text',
          out: argv.out,
          stateOut: argv.stateOut,
          strict: argv.strict,
        },
        io,
      ),
    );
  };
}
