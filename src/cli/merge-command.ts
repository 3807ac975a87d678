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
    .option('nats', { type: 'string', describe: 'Merge the states a fleet of daemons publishes (xent watch --publish) on this broker instead of files' })
    .option('nats-creds', { type: 'string', describe: 'With --nats: a NATS credentials file' })
    .option('bucket', { type: 'string', default: 'xent-fleet', describe: 'With --nats: the KV bucket the daemons publish to' })
    .option('stale', { type: 'string', describe: 'With --nats: name every node whose state is older than this (30s, 5m, 1h)' })
    .option('connect-timeout', { type: 'number', default: 5, describe: 'With --nats: seconds to wait for the broker (exit 69)' })
    .conflicts('json', 'markdown')
    .check((argv) => {
      const states = argv.states as string[] | undefined;
      if (argv.nats !== undefined && states !== undefined && states.length > 0) throw new UsageError('Give state files or --nats, not both.');
      if (argv.nats === undefined && (states === undefined || states.length === 0)) {
        throw new UsageError('Give at least one state file (xent report FILES --state-out STATE writes one), or --nats URL for a fleet.');
      }
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
          fleet: argv.nats === undefined ? undefined : { nats: argv.nats, creds: argv.natsCreds, bucket: argv.bucket, stale: argv.stale, timeoutMs: argv.connectTimeout * 1000 },
        },
        io,
      ),
    );
  };
}
