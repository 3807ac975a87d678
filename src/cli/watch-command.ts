import { hostname } from 'node:os';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { FormatName } from '../formats/adapter.js';
import { formatNames } from '../formats/registry.js';
import type { Io } from './report-runner.js';
import { checkWatchArgs, WATCH_DEFAULTS } from './watch-settings.js';

export const command = 'watch <files..>';
export const describe = 'Follow growing logs (files or globs) as a daemon: rolling NDJSON reports, exactly-once totals across rotation and restarts';

export function builder(yargs: Argv) {
  return yargs
    .positional('files', { type: 'string', array: true, describe: 'Files or globs (quote them: "logs/*.jsonl"); files created later that match are followed too' })
    .option('state', { type: 'string', describe: 'State directory: checkpoints (offsets, totals, output lengths) and a lock; resume from it on start' })
    .option('out', { alias: 'o', type: 'string', describe: 'Append the NDJSON reports to this file (its length is checkpointed) instead of stdout' })
    .option('interval', { type: 'string', default: WATCH_DEFAULTS.interval, describe: 'Rolling report period (500ms, 10s, 2m)' })
    .option('window', { type: 'number', default: WATCH_DEFAULTS.window, describe: 'Tokens in the rolling window' })
    .option('poll', { type: 'string', default: WATCH_DEFAULTS.poll, describe: 'Stat-poll period; fs.watch events only wake it early' })
    .option('checkpoint-interval', { type: 'string', default: WATCH_DEFAULTS.checkpointInterval, describe: 'How often the checkpoint is committed' })
    .option('release-after', {
      type: 'string',
      default: WATCH_DEFAULTS.releaseAfter,
      describe: 'Keep a file renamed out of the patterns (or deleted) open until its size, link count and mtime have not changed for this long',
    })
    .option('from-end', { type: 'boolean', default: false, describe: 'On the first start, skip what the files already hold' })
    .option('dead-letter', { type: 'string', describe: 'Append bad records as NDJSON {file, line, offset, code, reason, raw}, each exactly once' })
    .option('metrics-port', { type: 'number', describe: 'Serve the live page (/), /status.json, Prometheus /metrics and /healthz on this port' })
    .option('metrics-host', { type: 'string', default: WATCH_DEFAULTS.metricsHost, describe: 'Address for --metrics-port' })
    .option('publish', { type: 'string', describe: 'After each checkpoint, put this daemon\'s state in a NATS KV bucket: nats://host:port (needs --state)' })
    .option('bucket', { type: 'string', default: 'xent-fleet', describe: 'With --publish: the KV bucket' })
    .option('node', { type: 'string', describe: 'With --publish: this daemon\'s id in the bucket (default: the host name)' })
    .option('nats-creds', { type: 'string', describe: 'With --publish: a NATS credentials file' })
    .option('input-format', { alias: 'f', choices: ['auto', ...formatNames] as string[], default: 'auto', describe: 'Input format; auto detects it per record' })
    .option('segment', { choices: ['all', 'prompt', 'completion'] as const, default: 'all' as const, describe: 'Which tokens count' })
    .option('sentinels', { choices: ['include', 'exclude'] as const, default: 'include' as const, describe: 'Score sentinel logprobs as given, or drop them' })
    .option('vocab-size', { type: 'number', describe: 'Vocabulary size, for the upper bound on entropy from top-k' })
    .option('max-line-bytes', { type: 'number', default: WATCH_DEFAULTS.maxLineBytes, describe: 'Longest line read; longer ones are bad records, skipped without being buffered' })
    .option('group-by', { type: 'string', describe: 'Dotted path into each record (model, response.body.model): figures per group in every report and a group label on the metrics' })
    .option('max-groups', { type: 'number', default: WATCH_DEFAULTS.maxGroups, describe: 'With --group-by: distinct groups kept; later values share one overflow group' })
    .check((argv) => checkWatchArgs(argv));
}

type WatchArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: WatchArgs): Promise<void> => {
    // The daemon (and prom-client behind its metrics) loads only when a watch runs: see build-yargs.
    const { runWatch } = await import('./watch-runner.js');
    setExitCode(
      await runWatch(
        {
          patterns: argv.files as string[],
          state: argv.state,
          out: argv.out,
          interval: argv.interval,
          window: argv.window,
          poll: argv.poll,
          checkpointInterval: argv.checkpointInterval,
          releaseAfter: argv.releaseAfter,
          fromEnd: argv.fromEnd,
          deadLetter: argv.deadLetter,
          metricsPort: argv.metricsPort,
          metricsHost: argv.metricsHost,
          format: argv.inputFormat as FormatName | 'auto',
          segment: argv.segment,
          sentinels: argv.sentinels,
          vocabSize: argv.vocabSize,
          maxLineBytes: argv.maxLineBytes,
          groupBy: argv.groupBy,
          maxGroups: argv.maxGroups,
          publish:
            argv.publish === undefined
              ? undefined
              : { nats: argv.publish, bucket: argv.bucket, node: argv.node ?? hostname().replace(/[^A-Za-z0-9_-]/g, '-'), creds: argv.natsCreds },
        },
        io,
      ),
    );
  };
}
