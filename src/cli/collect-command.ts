import type { Argv, ArgumentsCamelCase } from 'yargs';
import { withBrokerOptions } from './broker-options.js';
import type { Io } from './report-runner.js';

export const command = 'collect';
export const describe = 'Show a job\'s progress, and once every shard is done print the merged report (equal to one xent report)';

export function builder(yargs: Argv) {
  return withBrokerOptions(yargs)
    .option('job', { type: 'string', demandOption: 'Name the job: --job NAME', describe: 'Job name' })
    .option('wait', { type: 'boolean', default: false, describe: 'Block until every shard is done' })
    .option('json', { type: 'boolean', describe: 'Print the report as one JSON object' })
    .option('markdown', { type: 'boolean', describe: 'Print the report as Markdown' })
    .option('out', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('state-out', { type: 'string', describe: 'Also write the merged state to this file (.gz: gzip)' })
    .option('strict', { type: 'boolean', default: false, describe: 'Exit 3 when any record was bad or any request failed' })
    .option('purge', { type: 'boolean', default: false, describe: 'After printing a finished job\'s report, remove its stream and bucket' })
    .conflicts('json', 'markdown');
}

type CollectArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: CollectArgs): Promise<void> => {
    const { runCollect } = await import('./collect-runner.js');
    setExitCode(
      await runCollect(
        {
          nats: argv.nats,
          creds: argv.natsCreds,
          timeoutMs: argv.connectTimeout * 1000,
          job: argv.job,
          wait: argv.wait,
          purge: argv.purge,
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
