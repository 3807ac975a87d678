import type { Argv, ArgumentsCamelCase } from 'yargs';
import { withBrokerOptions } from './broker-options.js';
import type { Io } from './report-runner.js';

export const command = 'jobs';
export const describe = 'List the jobs on a NATS JetStream broker with their progress';

export function builder(yargs: Argv) {
  return withBrokerOptions(yargs).option('json', { type: 'boolean', describe: 'One JSON object per job, one a line' });
}

type JobsArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: JobsArgs): Promise<void> => {
    const { parseBrokerAddress } = await import('../distributed/broker-address.js');
    const { connectBroker } = await import('../distributed/broker.js');
    const { jobProgress } = await import('../distributed/collect-job.js');
    const { listJobNames, openJob } = await import('../distributed/job-store.js');
    const { progressLine } = await import('./collect-runner.js');
    const broker = await connectBroker(parseBrokerAddress(argv.nats), { creds: argv.natsCreds, timeoutMs: argv.connectTimeout * 1000 });
    try {
      const names = await listJobNames(broker);
      if (names.length === 0 && !argv.json) io.stdout.write(`no jobs on ${broker.display}\n`);
      for (const name of names) {
        const { kv, manifest } = await openJob(broker, name);
        const { progress } = await jobProgress(kv, manifest);
        io.stdout.write(
          argv.json
            ? `${JSON.stringify({ job: name, created: manifest.created, shards: progress.total, done: progress.done, failed: progress.failed.length, bytes: progress.bytes, bytes_done: progress.bytesDone })}\n`
            : `${progressLine(progress).replace(/^xent: job /, '')} · submitted ${manifest.created}\n`,
        );
      }
      setExitCode(0);
    } finally {
      await broker.close();
    }
  };
}
