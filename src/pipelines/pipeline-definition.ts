import { ANOMALY_KINDS, type AnomalyKind } from '../audit/anomaly-log.js';
import { parsePath } from '../audit/dotted-path.js';
import { RANK_METRICS, type RankMetric } from '../audit/sequence-scores.js';
import { XentError } from '../errors.js';
import { formatNames } from '../formats/registry.js';
import type { FormatName } from '../formats/adapter.js';
import type { Segment } from '../formats/scored-batch.js';

export const PIPELINE_MODES = ['report', 'watch', 'audit', 'compare'] as const;
export type PipelineMode = (typeof PIPELINE_MODES)[number];

/**
 * A declarative pipeline (pipelines/*.json): data only, never code. Every field is checked here,
 * with messages that quote the field, before anything is read.
 */
export interface PipelineDefinition {
  description?: string;
  /**
   * report (default): read the sources once (xent report). watch: follow them as a daemon (xent
   * watch). audit: xent audit. compare: xent compare, `source.paths` being side A and side B.
   */
  mode?: PipelineMode;
  source: { paths: string[]; concurrency?: number; framing?: 'auto' | 'lines' | 'json-array' | 'json-value' };
  format?: FormatName | 'auto';
  segment?: Segment | 'all';
  sentinels?: 'include' | 'exclude';
  vocab_size?: number;
  /**
   * The rolling window is `tokens` in both modes (`--window` on the command line). report: a rolling line every `tokens`
   * tokens, over the last `tokens` (`every` is its older name). watch: a rolling line every `interval`, over the last
   * `tokens`.
   */
  windows?: { every?: number; interval?: string; tokens?: number };
  /** watch: the state directory (checkpoints and lock). */
  state?: string;
  /** watch: Prometheus metrics endpoint. */
  metrics?: { port: number; host?: string };
  /** watch: --release-after, how long a file renamed out of the patterns or deleted is still read after it last changed. */
  release_after?: string;
  /** audit: worst and best sequences listed; compare: most-changed sequences listed. */
  top?: number;
  /** audit: --rank-by, --detail-tokens; audit and watch: --group-by, --max-groups. */
  rank_by?: RankMetric;
  group_by?: string;
  max_groups?: number;
  detail_tokens?: number;
  /** compare: --key, --bootstrap, --seed, --partitions. */
  key?: string;
  bootstrap?: number;
  seed?: number;
  partitions?: number;
  /** compare: --kl (per-position KL, same top-1, Δp). */
  kl?: boolean;
  /** audit and compare: CI gates; a crossed one gives exit code 4. */
  thresholds?: PipelineThresholds;
  outputs: PipelineOutput[];
  strict?: boolean;
  per_sequence?: boolean;
  dead_letter?: string;
}

export interface PipelineOutput {
  /**
   * report: text (the human report), json (one JSON object), ndjson (rolling lines with windows,
   * and the final one), markdown. watch: ndjson. audit and compare: text, json, markdown, html.
   */
  type: 'text' | 'json' | 'ndjson' | 'markdown' | 'html';
  /** '-' for stdout (default). */
  path?: string;
}

/** The `--max-…` options of xent audit (the first four) and xent compare (the last). */
export interface PipelineThresholds {
  max_perplexity?: number;
  max_p99_perplexity?: number;
  max_bad_records?: number;
  /** Per anomaly kind, or `all` for their total. */
  max_anomalies?: Partial<Record<AnomalyKind | 'all', number>>;
  max_mean_difference?: number;
  /** compare with `kl`: --max-mean-kl. */
  max_mean_kl?: number;
}

const TOP_KEYS = new Set([
  'description', 'mode', 'state', 'metrics', 'release_after', 'source', 'format', 'segment', 'sentinels', 'vocab_size', 'windows', 'outputs',
  'strict', 'per_sequence', 'dead_letter', 'top', 'rank_by', 'group_by', 'max_groups', 'detail_tokens', 'key', 'bootstrap',
  'seed', 'partitions', 'kl', 'thresholds', '$schema',
]);

/**
 * Fields that only some modes use; any other mode rejects them, naming the field, rather than
 * accepting a setting it would not honour (a daemon has no end at which --strict could fail, and
 * keeps no per-sequence list).
 */
const MODE_FIELDS: Record<string, readonly PipelineMode[]> = {
  windows: ['report', 'watch'],
  state: ['watch'],
  metrics: ['watch'],
  release_after: ['watch'],
  strict: ['report'],
  per_sequence: ['report'],
  vocab_size: ['report', 'watch', 'audit'],
  top: ['audit', 'compare'],
  rank_by: ['audit'],
  group_by: ['audit', 'watch'],
  max_groups: ['audit', 'watch'],
  detail_tokens: ['audit'],
  key: ['compare'],
  bootstrap: ['compare'],
  seed: ['compare'],
  partitions: ['compare'],
  kl: ['compare'],
  thresholds: ['audit', 'compare'],
};

const OUTPUT_TYPES: Record<PipelineMode, readonly string[]> = {
  report: ['text', 'json', 'ndjson', 'markdown'],
  watch: ['ndjson'],
  audit: ['text', 'json', 'markdown', 'html'],
  compare: ['text', 'json', 'markdown', 'html'],
};

const THRESHOLD_KEYS: Record<'audit' | 'compare', readonly string[]> = {
  audit: ['max_perplexity', 'max_p99_perplexity', 'max_bad_records', 'max_anomalies'],
  compare: ['max_mean_difference', 'max_mean_kl'],
};

type Fail = (message: string) => never;

export function parsePipeline(value: unknown, where: string): PipelineDefinition {
  const fail: Fail = (message) => {
    throw new XentError('INVALID_PIPELINE', `${where}: ${message}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('expected a JSON object');
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!TOP_KEYS.has(key)) fail(`unknown field \`${key}\``);
  oneOf(v.mode, PIPELINE_MODES, 'mode', fail);
  const mode = (v.mode ?? 'report') as PipelineMode;
  for (const [key, modes] of Object.entries(MODE_FIELDS)) {
    if (v[key] !== undefined && !modes.includes(mode)) fail(`\`${key}\` is for mode ${modes.join(' or ')}, not mode ${mode}`);
  }
  const source = v.source as Record<string, unknown> | undefined;
  if (source === undefined || typeof source !== 'object' || source === null) fail('expected `source` to be an object with `paths`');
  const paths = (source as Record<string, unknown>).paths;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) {
    fail('expected `source.paths` to be a non-empty array of paths (files, directories, or "-")');
  }
  if (mode === 'compare' && (paths as unknown[]).length !== 2) {
    fail(`a compare pipeline has exactly two \`source.paths\`, side A then side B, got ${(paths as unknown[]).length}`);
  }
  integer((source as Record<string, unknown>).concurrency, 'source.concurrency', 1, fail);
  const framing = (source as Record<string, unknown>).framing;
  oneOf(framing, ['auto', 'lines', 'json-array', 'json-value'], 'source.framing', fail);
  oneOf(v.format, ['auto', ...formatNames], 'format', fail);
  oneOf(v.segment, ['all', 'prompt', 'completion'], 'segment', fail);
  oneOf(v.sentinels, ['include', 'exclude'], 'sentinels', fail);
  integer(v.vocab_size, 'vocab_size', 1, fail);
  const watching = mode === 'watch';
  if (v.windows !== undefined) {
    const w = (v.windows ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(w)) if (!['every', 'interval', 'tokens'].includes(key)) fail(`unknown field \`windows.${key}\``);
    for (const key of watching ? ['tokens'] : ['tokens', 'every']) integer(w[key], `windows.${key}`, 1, fail);
    if (watching && w.every !== undefined) fail('`windows.every` is for mode report; a watch pipeline uses `windows.interval` and `windows.tokens`');
    if (!watching && w.interval !== undefined) fail('`windows.interval` is for mode watch');
    if (w.every !== undefined && w.tokens !== undefined) fail('`windows.every` is the older name of `windows.tokens`: give one');
    if (w.interval !== undefined && (typeof w.interval !== 'string' || !/^\d+(\.\d+)?(ms|s|m|h)?$/.test(w.interval))) {
      fail(`expected \`windows.interval\` to be a duration like 10s, got ${JSON.stringify(w.interval)}`);
    }
  }
  if (v.state !== undefined && (typeof v.state !== 'string' || v.state === '')) fail('expected `state` to be a directory path');
  if (v.release_after !== undefined && (typeof v.release_after !== 'string' || !/^\d+(\.\d+)?(ms|s|m|h)?$/.test(v.release_after))) {
    fail(`expected \`release_after\` to be a duration like 5m, got ${JSON.stringify(v.release_after)}`);
  }
  if (v.metrics !== undefined) {
    const m = v.metrics as Record<string, unknown> | null;
    if (m === null || !Number.isInteger(m.port) || (m.port as number) < 0 || (m.port as number) > 65535) fail('expected `metrics.port` to be a port number');
    if (m !== null && m.host !== undefined && typeof m.host !== 'string') fail('expected `metrics.host` to be an address');
  }
  if (watching) {
    const outs = (Array.isArray(v.outputs) ? v.outputs : []) as Record<string, unknown>[];
    if (outs.length !== 1 || outs[0]?.type !== 'ndjson') fail('a watch pipeline has exactly one output, of type ndjson');
  }
  checkAuditAndCompareFields(v, fail);
  if (mode === 'audit' || mode === 'compare') checkThresholds(v.thresholds, mode, fail);
  if ((v.thresholds as PipelineThresholds | undefined)?.max_mean_kl !== undefined && v.kl !== true) {
    fail('`thresholds.max_mean_kl` needs `"kl": true` (without it no KL is computed)');
  }
  if (!Array.isArray(v.outputs) || v.outputs.length === 0) fail('expected `outputs` to be a non-empty array');
  const outputs = v.outputs as unknown[];
  outputs.forEach((o, i) => {
    if (o === null || typeof o !== 'object') fail(`expected \`outputs[${i}]\` to be an object`);
    const out = o as Record<string, unknown>;
    oneOf(out.type, OUTPUT_TYPES[mode], `outputs[${i}].type`, fail, true);
    if (out.path !== undefined && (typeof out.path !== 'string' || out.path === '')) fail(`expected \`outputs[${i}].path\` to be a path or "-"`);
  });
  const toStdout = outputs.filter((o) => ((o as PipelineOutput).path ?? '-') === '-');
  if (toStdout.length > 1) fail('at most one output can go to stdout ("-")');
  for (const key of ['strict', 'per_sequence', 'kl'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'boolean') fail(`expected \`${key}\` to be true or false`);
  }
  if (v.dead_letter !== undefined && (typeof v.dead_letter !== 'string' || v.dead_letter === '')) fail('expected `dead_letter` to be a path');
  return v as unknown as PipelineDefinition;
}

/** The audit and compare options; MODE_FIELDS has already kept each to its modes. */
function checkAuditAndCompareFields(v: Record<string, unknown>, fail: Fail): void {
  integer(v.top, 'top', 0, fail);
  oneOf(v.rank_by, RANK_METRICS, 'rank_by', fail);
  dottedPath(v.group_by, 'group_by', fail);
  integer(v.max_groups, 'max_groups', 1, fail);
  integer(v.detail_tokens, 'detail_tokens', 0, fail);
  dottedPath(v.key, 'key', fail);
  integer(v.bootstrap, 'bootstrap', 10, fail);
  if (v.seed !== undefined && !Number.isInteger(v.seed)) fail(`expected \`seed\` to be an integer, got ${JSON.stringify(v.seed)}`);
  integer(v.partitions, 'partitions', 1, fail);
}

function checkThresholds(value: unknown, mode: 'audit' | 'compare', fail: Fail): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('expected `thresholds` to be an object');
  const t = value as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!THRESHOLD_KEYS[mode].includes(key)) fail(`unknown field \`thresholds.${key}\` for mode ${mode} (it has ${THRESHOLD_KEYS[mode].join(', ')})`);
  }
  for (const key of ['max_perplexity', 'max_p99_perplexity'] as const) {
    if (t[key] !== undefined && !(typeof t[key] === 'number' && t[key] >= 1)) {
      fail(`expected \`thresholds.${key}\` to be a number from 1 and up, got ${JSON.stringify(t[key])}`);
    }
  }
  integer(t.max_bad_records, 'thresholds.max_bad_records', 0, fail);
  if (t.max_mean_difference !== undefined && !(typeof t.max_mean_difference === 'number' && Number.isFinite(t.max_mean_difference))) {
    fail(`expected \`thresholds.max_mean_difference\` to be a number (nats), got ${JSON.stringify(t.max_mean_difference)}`);
  }
  if (t.max_mean_kl !== undefined && !(typeof t.max_mean_kl === 'number' && Number.isFinite(t.max_mean_kl) && t.max_mean_kl >= 0)) {
    fail(`expected \`thresholds.max_mean_kl\` to be a number of nats from 0 and up, got ${JSON.stringify(t.max_mean_kl)}`);
  }
  const anomalies = t.max_anomalies;
  if (anomalies === undefined) return;
  if (anomalies === null || typeof anomalies !== 'object' || Array.isArray(anomalies)) {
    fail('expected `thresholds.max_anomalies` to be an object of anomaly kind → limit, e.g. {"sentinel": 0}');
  }
  for (const [kind, limit] of Object.entries(anomalies as Record<string, unknown>)) {
    if (kind !== 'all' && !(ANOMALY_KINDS as readonly string[]).includes(kind)) {
      fail(`unknown anomaly kind \`thresholds.max_anomalies.${kind}\` (kinds: all, ${ANOMALY_KINDS.join(', ')})`);
    }
    integer(limit, `thresholds.max_anomalies.${kind}`, 0, fail);
  }
}

function integer(value: unknown, field: string, min: number, fail: Fail): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min)) {
    fail(`expected \`${field}\` to be an integer from ${min} and up, got ${JSON.stringify(value)}`);
  }
}

function dottedPath(value: unknown, field: string, fail: Fail): void {
  if (value === undefined) return;
  let valid = typeof value === 'string';
  try {
    if (valid) parsePath(value as string, field);
  } catch {
    valid = false;
  }
  if (!valid) fail(`expected \`${field}\` to be a dotted path like model or response.body.model, got ${JSON.stringify(value)}`);
}

function oneOf(value: unknown, allowed: readonly string[], field: string, fail: Fail, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(`expected \`${field}\` to be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
}
