import type { Argv, ArgumentsCamelCase } from 'yargs';
import { withBrokerOptions } from './broker-options.js';
import { withEvaluationOptions } from './report-options.js';
import type { Io } from './report-runner.js';
import { UsageError } from './usage-error.js';

export const command = 'submit [files..]';
export const describe = 'Cut files into byte-range shards and queue one task each on NATS JetStream, for xent worker';

export function builder(yargs: Argv) {
  return withBrokerOptions(withEvaluationOptions(yargs))
    .positional('files', { type: 'string', array: true, describe: 'Dump files or directories, at paths every worker sees' })
    .option('job', { type: 'string', demandOption: 'Name the job: --job NAME', describe: 'Job name (letters, digits, _ and -)' })
    .option('shard-size', { type: 'string', default: '256MB', describe: 'Bytes a shard, e.g. 64MB, 1GB (.gz files are one shard each)' })
    .option('ack-wait', { type: 'number', default: 30, describe: 'Seconds before the task of a silent worker is given to another' })
    .check((argv) => {
      const files = argv.files as string[] | undefined;
      if (files === undefined || files.length === 0) throw new UsageError('Give at least one file or directory.');
      parseSize(argv['shard-size']);
      if (!(argv['ack-wait'] > 0)) throw new UsageError(`Expected \`--ack-wait\` to be a number of seconds above 0, got ${argv['ack-wait']}`);
      return true;
    });
}

/** "256MB" → bytes (KB, MB, GB, TB are powers of 1024; a bare number is bytes). */
export function parseSize(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(text.trim());
  const units: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
  const bytes = m === null ? Number.NaN : Number(m[1]) * (units[(m[2] ?? 'B').toUpperCase()] as number);
  if (!Number.isFinite(bytes) || bytes < 1) throw new UsageError(`Expected \`--shard-size\` to be a size such as 64MB or 1GB, got ${JSON.stringify(text)}`);
  return Math.floor(bytes);
}

type SubmitArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: SubmitArgs): Promise<void> => {
    const { parseBrokerAddress } = await import('../distributed/broker-address.js');
    const { connectBroker } = await import('../distributed/broker.js');
    const { checkJobName } = await import('../distributed/job-names.js');
    const { submitJob } = await import('../distributed/submit-job.js');
    const { expandInputs } = await import('../streams/expand-inputs.js');
    const job = checkJobName(argv.job);
    const files = await expandInputs((argv.files as string[] | undefined) ?? []);
    if (files.includes('-')) throw new UsageError('submit reads files that workers open by path: stdin cannot be sharded.');
    const broker = await connectBroker(parseBrokerAddress(argv.nats), { creds: argv.natsCreds, timeoutMs: argv.connectTimeout * 1000 });
    try {
      const result = await submitJob(broker, job, files, {
        shardSize: parseSize(argv.shardSize),
        ackWaitMs: argv.ackWait * 1000,
        settings: {
          segment: argv.segment,
          sentinels: argv.sentinels,
          vocab_size: argv.vocabSize ?? null,
          max_examples: 20,
          format: argv.inputFormat,
          framing: argv.framing,
          max_line_bytes: argv.maxLineBytes,
        },
      });
      io.stderr.write(
        result.already
          ? `xent: job ${job} was already submitted (${result.shards} shards); nothing queued again\n`
          : `xent: job ${job}: ${result.shards} shard(s), ${result.bytes.toLocaleString('en-US')} bytes queued on ${broker.display}\n`,
      );
      setExitCode(0);
    } finally {
      await broker.close();
    }
  };
}
