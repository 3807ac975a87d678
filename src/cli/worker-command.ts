import type { Argv, ArgumentsCamelCase } from 'yargs';
import { withBrokerOptions } from './broker-options.js';
import type { Io } from './report-runner.js';
import { UsageError } from './usage-error.js';

export const command = 'worker';
export const describe = 'Take shard tasks from NATS JetStream, fold them and put their states in the job\'s bucket';

export function builder(yargs: Argv) {
  return withBrokerOptions(yargs)
    .option('job', { type: 'string', describe: 'Serve this job only (default: every job on the broker)' })
    .option('concurrency', { type: 'number', default: 1, describe: 'Tasks worked on at once' })
    .option('until-idle', { type: 'boolean', default: false, describe: 'Exit 0 once no task is left, queued or in progress (for batch scripts)' })
    .check((argv) => {
      if (!Number.isInteger(argv.concurrency) || argv.concurrency < 1) throw new UsageError(`Expected \`--concurrency\` to be an integer from 1 and up, got ${argv.concurrency}`);
      return true;
    });
}

type WorkerArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: WorkerArgs): Promise<void> => {
    // The scoring modules load while the NATS client loads and connects: a worker's start-up was
    // the most of what it took beyond `xent report` on the same bytes (see README, distributed).
    const worker = import('../distributed/run-worker.js');
    worker.catch(() => undefined);
    const { parseBrokerAddress } = await import('../distributed/broker-address.js');
    const { connectBroker } = await import('../distributed/broker.js');
    const { checkJobName } = await import('../distributed/job-names.js');
    const job = argv.job === undefined ? undefined : checkJobName(argv.job);
    const broker = await connectBroker(parseBrokerAddress(argv.nats), { creds: argv.natsCreds, timeoutMs: argv.connectTimeout * 1000 });
    const { runWorker } = await worker.catch(async (error: unknown) => {
      await broker.close();
      throw error;
    });
    // SIGTERM (systemd stop) finishes the tasks in hand, then exits; their acks are not lost.
    const stop = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    try {
      const done = await runWorker(broker, {
        job,
        concurrency: argv.concurrency,
        untilIdle: argv.untilIdle,
        log: (line) => io.stderr.write(`${line}\n`),
        stop,
      });
      io.stderr.write(`xent worker: ${done} shard(s) done; ${argv.untilIdle ? 'no task left' : 'stopping'}\n`);
      setExitCode(0);
    } finally {
      await broker.close();
    }
  };
}
