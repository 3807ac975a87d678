import type { GroupReport } from '../reports/report.js';
import type { DaemonStatus } from './daemon-status.js';

export interface BuildInfo {
  version: string;
  node: string;
}

/** One metric family: the names the daemon exports (the Grafana dashboard test checks its queries against these). */
export const METRIC_FAMILIES = {
  xent_build_info: 'gauge',
  xent_tokens_total: 'counter',
  xent_nll_nats_total: 'counter',
  xent_records_total: 'counter',
  xent_sequences_total: 'counter',
  xent_bad_records_total: 'counter',
  xent_read_bytes_total: 'counter',
  xent_cross_entropy_nats: 'gauge',
  xent_perplexity: 'gauge',
  xent_window_cross_entropy_nats: 'gauge',
  xent_window_perplexity: 'gauge',
  xent_window_tokens: 'gauge',
  xent_sequence_cross_entropy_nats: 'histogram',
  xent_group_tokens_total: 'counter',
  xent_group_nll_nats_total: 'counter',
  xent_group_records_total: 'counter',
  xent_group_sequences_total: 'counter',
  xent_group_cross_entropy_nats: 'gauge',
  xent_group_perplexity: 'gauge',
  xent_file_lag_bytes: 'gauge',
  xent_files: 'gauge',
  xent_checkpoint_age_seconds: 'gauge',
  xent_checkpoint_duration_seconds: 'gauge',
  xent_checkpoint_last_success_timestamp_seconds: 'gauge',
} as const;

export type MetricName = keyof typeof METRIC_FAMILIES;

const HELP: Record<MetricName, string> = {
  xent_build_info: 'Always 1; the labels say which xent and Node.js run',
  xent_tokens_total: 'Scored tokens folded in, cumulative across restarts and rotations',
  xent_nll_nats_total: 'Negative log-likelihood folded in, nats, cumulative (rate over xent_tokens_total rate = cross-entropy)',
  xent_records_total: 'Good records folded in, cumulative',
  xent_sequences_total: 'Finished sequences, cumulative',
  xent_bad_records_total: 'Bad records by error code, cumulative',
  xent_read_bytes_total: 'Bytes of complete lines read from the watched files, cumulative',
  xent_cross_entropy_nats: 'Cross-entropy over everything folded in, nats per token',
  xent_perplexity: 'Perplexity over everything folded in',
  xent_window_cross_entropy_nats: 'Cross-entropy over the rolling window of the last --window tokens, nats per token',
  xent_window_perplexity: 'Perplexity over the rolling window',
  xent_window_tokens: 'Tokens in the rolling window (fewer than --window until it fills)',
  xent_sequence_cross_entropy_nats: 'Cross-entropy of each finished sequence, nats per token',
  xent_group_tokens_total: 'With --group-by: scored tokens per group (the groups partition xent_tokens_total), cumulative',
  xent_group_nll_nats_total: 'With --group-by: negative log-likelihood per group, nats, cumulative',
  xent_group_records_total: 'With --group-by: good records per group, cumulative',
  xent_group_sequences_total: 'With --group-by: finished sequences per group, cumulative',
  xent_group_cross_entropy_nats: 'With --group-by: cross-entropy per group over everything folded in, nats per token',
  xent_group_perplexity: 'With --group-by: perplexity per group over everything folded in',
  xent_file_lag_bytes: 'Bytes written to a followed file but not yet folded in',
  xent_files: 'Followed files by state',
  xent_checkpoint_age_seconds: 'Seconds since the last checkpoint was committed',
  xent_checkpoint_duration_seconds: 'How long the last checkpoint took to write, seconds',
  xent_checkpoint_last_success_timestamp_seconds: 'Unix time of the last committed checkpoint',
};

/** Prometheus text format numbers: +Inf, -Inf and NaN spelled its way. */
function num(x: number): string {
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(x)) return 'NaN';
  return String(x);
}

/** Label values escape backslash, double quote and newline (the exposition format's three). */
function labels(pairs: Record<string, string>): string {
  const body = Object.entries(pairs)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
  return body === '' ? '' : `{${body}}`;
}

/**
 * The daemon's figures in the Prometheus text exposition format (version 0.0.4). Counters are
 * cumulative: their state is restored from the checkpoint, so a restart continues them instead
 * of starting over (Prometheus would read a restart as a reset otherwise, which rate() forgives
 * but a raw count does not). A family with no sample yet (no checkpoint, no file) is left out.
 */
export function renderMetrics(status: DaemonStatus, build: BuildInfo, now = Date.now()): string {
  const out: string[] = [];
  const family = (name: MetricName, samples: [string, Record<string, string>, number][]) => {
    if (samples.length === 0) return;
    out.push(`# HELP ${name} ${HELP[name]}`, `# TYPE ${name} ${METRIC_FAMILIES[name]}`);
    for (const [suffix, l, v] of samples) out.push(`${name}${suffix}${labels(l)} ${num(v)}`);
  };
  const r = status.latest;
  family('xent_build_info', [['', { version: build.version, node: build.node }, 1]]);
  if (r !== undefined) {
    family('xent_tokens_total', [['', {}, r.corpus.tokens]]);
    family('xent_nll_nats_total', [['', {}, r.corpus.nll]]);
    family('xent_records_total', [['', {}, r.corpus.records]]);
    family('xent_sequences_total', [['', {}, r.corpus.sequences]]);
  }
  family('xent_bad_records_total', [...status.badRecords].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, n]) => ['', { code }, n]));
  family('xent_read_bytes_total', [['', {}, status.bytesRead]]);
  if (r !== undefined) {
    family('xent_cross_entropy_nats', [['', {}, r.corpus.cross_entropy]]);
    family('xent_perplexity', [['', {}, r.corpus.perplexity]]);
    family('xent_window_cross_entropy_nats', [['', {}, r.window.cross_entropy]]);
    family('xent_window_perplexity', [['', {}, r.window.perplexity]]);
    family('xent_window_tokens', [['', {}, r.window.tokens]]);
  }
  if (r?.groups !== undefined) {
    // group_kind tells a record's own value from "no such field" and from the overflow past --max-groups (both group="").
    const series = (pick: (g: GroupReport) => number): [string, Record<string, string>, number][] =>
      (r.groups as GroupReport[]).map((g) => ['', { group: g.group ?? '', group_kind: g.overflow ? 'overflow' : g.group === null ? 'missing' : 'value' }, pick(g)]);
    family('xent_group_tokens_total', series((g) => g.corpus.tokens));
    family('xent_group_nll_nats_total', series((g) => g.corpus.nll));
    family('xent_group_records_total', series((g) => g.corpus.records));
    family('xent_group_sequences_total', series((g) => g.corpus.sequences));
    family('xent_group_cross_entropy_nats', series((g) => g.corpus.cross_entropy));
    family('xent_group_perplexity', series((g) => g.corpus.perplexity));
  }
  const h = status.histogram;
  const cumulative = h.cumulative();
  family('xent_sequence_cross_entropy_nats', [
    ...h.bounds.map((b, i): [string, Record<string, string>, number] => ['_bucket', { le: num(b) }, cumulative[i] as number]),
    ['_bucket', { le: '+Inf' }, h.count],
    ['_sum', {}, h.total()],
    ['_count', {}, h.count],
  ]);
  if (r !== undefined) {
    family('xent_file_lag_bytes', r.files.filter((f) => f.lag !== null).map((f) => ['', { file: f.file }, f.lag as number]));
    const states = new Map<string, number>([['reading', 0], ['waiting', 0], ['frozen', 0]]);
    for (const f of r.files) states.set(f.state, (states.get(f.state) ?? 0) + 1);
    family('xent_files', [...states].map(([state, n]) => ['', { state }, n]));
  }
  if (status.lastCheckpointAt !== undefined) {
    family('xent_checkpoint_age_seconds', [['', {}, (now - status.lastCheckpointAt) / 1000]]);
    family('xent_checkpoint_duration_seconds', [['', {}, (status.lastCheckpointMs ?? 0) / 1000]]);
    family('xent_checkpoint_last_success_timestamp_seconds', [['', {}, status.lastCheckpointAt / 1000]]);
  }
  return `${out.join('\n')}\n`;
}
