import type { FormatName } from '../formats/adapter.js';
import { parsePath } from '../audit/dotted-path.js';
import { adapterByName } from '../formats/registry.js';
import { DaemonStatus } from '../watch/daemon-status.js';
import { parseDuration } from '../watch/duration.js';
import { LogWatcher } from '../watch/log-watcher.js';
import { MetricsServer } from '../watch/metrics-server.js';
import { EXIT } from './exit-codes.js';
import { WATCH_DEFAULTS } from './watch-settings.js';
import type { Io } from './report-runner.js';
import { UsageError } from './usage-error.js';

/** What `xent watch` and a watch pipeline (`xent run`) need; durations as written ("10s"). */
export interface WatchSettings {
  patterns: string[];
  state?: string;
  out?: string;
  interval: string;
  window: number;
  poll: string;
  checkpointInterval: string;
  fromEnd: boolean;
  deadLetter?: string;
  metricsPort?: number;
  metricsHost: string;
  format: FormatName | 'auto';
  segment: 'all' | 'prompt' | 'completion';
  sentinels: 'include' | 'exclude';
  vocabSize?: number;
  maxLineBytes: number;
  /** How long a file renamed out of the patterns or deleted is kept open after it last changed ("5m"). */
  releaseAfter?: string;
  /** --group-by (a dotted path, checked) and --max-groups. */
  groupBy?: string;
  maxGroups?: number;
  /** Fleet publishing: the broker URL, bucket and node id (see distributed/fleet-publisher.ts). */
  publish?: { nats: string; bucket: string; node: string; creds?: string };
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** Runs the daemon until SIGTERM/SIGINT/SIGHUP; returns the exit code. */
export async function runWatch(settings: WatchSettings, io: Io): Promise<number> {
  const duration = (value: string, option: string) => {
    try {
      return parseDuration(value, option);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  };
  const status = settings.metricsPort === undefined ? undefined : new DaemonStatus();
  const metrics = status === undefined ? undefined : new MetricsServer(status, Math.min(1000, duration(settings.interval, '--interval')));
  const fleet = settings.publish === undefined ? undefined : await fleetHook(settings, io);
  const watcher = new LogWatcher({
    patterns: settings.patterns,
    stateDir: settings.state,
    fromEnd: settings.fromEnd,
    intervalMs: duration(settings.interval, '--interval'),
    pollMs: duration(settings.poll, '--poll'),
    checkpointMs: duration(settings.checkpointInterval, '--checkpoint-interval'),
    window: settings.window,
    copyGraceMs: 2000,
    releaseAfterMs: duration(settings.releaseAfter ?? WATCH_DEFAULTS.releaseAfter, '--release-after'),
    readBudget: 1024 * 1024,
    maxLineBytes: settings.maxLineBytes,
    adapter: settings.format === 'auto' ? undefined : adapterByName(settings.format),
    accumulator: {
      segment: settings.segment,
      sentinels: settings.sentinels,
      vocabSize: settings.vocabSize,
      keepSequences: status !== undefined,
      ...(settings.groupBy === undefined ? {} : { maxGroups: settings.maxGroups ?? WATCH_DEFAULTS.maxGroups }),
    },
    ...(settings.groupBy === undefined ? {} : { groupBy: parsePath(settings.groupBy, '--group-by') }),
    out: settings.out ?? ((line) => io.stdout.write(line)),
    deadLetter: settings.deadLetter,
    warn: (message) => io.stderr.write(`xent watch: ${message}\n`),
    onRolling: (report) => status?.rolling(report),
    observer: status,
    onCommit: fleet?.onCommit,
  });
  if (metrics !== undefined) {
    const { port } = await metrics.listen(settings.metricsPort as number, settings.metricsHost);
    io.stderr.write(`xent watch: live page on http://${settings.metricsHost}:${port}/ and metrics on http://${settings.metricsHost}:${port}/metrics\n`);
  }
  // First SIGTERM/SIGINT/SIGHUP: stop reading, commit, final report, exit 0. A second one: exit at
  // once; the last committed checkpoint is still valid. SIGHUP (a closed terminal, or a reload
  // sent by habit) stops as gracefully: it used to kill the daemon with 129 and a stale lock, and
  // xent's outputs are not rotated under it (their lengths are checkpointed), so there is nothing
  // to reopen.
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      io.stderr.write(`xent watch: ${signal}: committing and writing the final report (again to exit at once)\n`);
      watcher.stop();
    } else {
      process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 15));
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    await watcher.run();
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    await metrics?.close();
    await fleet?.publisher.close();
  }
  return EXIT.OK;
}

/** `--publish`: each committed checkpoint goes to the fleet bucket under the node id, in the background. */
async function fleetHook(settings: WatchSettings, io: Io) {
  const publish = settings.publish as NonNullable<WatchSettings['publish']>;
  if (settings.state === undefined) throw new UsageError('--publish sends each committed checkpoint: give --state DIR too.');
  const { parseBrokerAddress } = await import('../distributed/broker-address.js');
  const { checkNodeId, fleetState, FleetPublisher } = await import('../distributed/fleet-publisher.js');
  const node = checkNodeId(publish.node);
  const publisher = new FleetPublisher(parseBrokerAddress(publish.nats), publish.bucket, node, (m) => io.stderr.write(`xent watch: ${m}\n`), publish.creds);
  const options = { segment: settings.segment, sentinels: settings.sentinels, vocabSize: settings.vocabSize, keepSequences: false, maxExamples: 20 };
  return { publisher, onCommit: (committed: Parameters<typeof fleetState>[1]) => publisher.publish(fleetState(node, committed, options)) };
}
