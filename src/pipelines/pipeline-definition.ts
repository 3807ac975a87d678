import { XentError } from '../errors.js';
import { formatNames } from '../formats/registry.js';
import type { FormatName } from '../formats/adapter.js';
import type { Segment } from '../formats/scored-batch.js';

/**
 * A declarative pipeline (pipelines/*.json): data only, never code. Every field is checked here,
 * with messages that quote the field, before anything is read.
 */
export interface PipelineDefinition {
  description?: string;
  /** report (default): read the sources once. watch: follow them as a daemon (xent watch). */
  mode?: 'report' | 'watch';
  source: { paths: string[]; concurrency?: number; framing?: 'auto' | 'lines' | 'json-array' | 'json-value' };
  format?: FormatName | 'auto';
  segment?: Segment | 'all';
  sentinels?: 'include' | 'exclude';
  vocab_size?: number;
  /** report: a rolling line every `every` tokens. watch: a rolling line every `interval`, over the last `tokens`. */
  windows?: { every?: number; interval?: string; tokens?: number };
  /** watch: the state directory (checkpoints and lock). */
  state?: string;
  /** watch: Prometheus metrics endpoint. */
  metrics?: { port: number; host?: string };
  outputs: PipelineOutput[];
  strict?: boolean;
  per_sequence?: boolean;
  dead_letter?: string;
}

export interface PipelineOutput {
  /** text: the human report; json: one JSON object; ndjson: rolling lines (with windows) and the final one. */
  type: 'text' | 'json' | 'ndjson';
  /** '-' for stdout (default). */
  path?: string;
}

const TOP_KEYS = new Set(['description', 'mode', 'state', 'metrics', 'source', 'format', 'segment', 'sentinels', 'vocab_size', 'windows', 'outputs', 'strict', 'per_sequence', 'dead_letter', '$schema']);

export function parsePipeline(value: unknown, where: string): PipelineDefinition {
  const fail = (message: string): never => {
    throw new XentError('INVALID_PIPELINE', `${where}: ${message}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('expected a JSON object');
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!TOP_KEYS.has(key)) fail(`unknown field \`${key}\``);
  const source = v.source as Record<string, unknown> | undefined;
  if (source === undefined || typeof source !== 'object' || source === null) fail('expected `source` to be an object with `paths`');
  const paths = (source as Record<string, unknown>).paths;
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) {
    fail('expected `source.paths` to be a non-empty array of paths (files, directories, or "-")');
  }
  const concurrency = (source as Record<string, unknown>).concurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || (concurrency as number) < 1)) {
    fail(`expected \`source.concurrency\` to be an integer from 1 and up, got ${JSON.stringify(concurrency)}`);
  }
  const framing = (source as Record<string, unknown>).framing;
  oneOf(framing, ['auto', 'lines', 'json-array', 'json-value'], 'source.framing', fail);
  oneOf(v.format, ['auto', ...formatNames], 'format', fail);
  oneOf(v.segment, ['all', 'prompt', 'completion'], 'segment', fail);
  oneOf(v.sentinels, ['include', 'exclude'], 'sentinels', fail);
  if (v.vocab_size !== undefined && (!Number.isInteger(v.vocab_size) || (v.vocab_size as number) < 1)) {
    fail(`expected \`vocab_size\` to be an integer from 1 and up, got ${JSON.stringify(v.vocab_size)}`);
  }
  oneOf(v.mode, ['report', 'watch'], 'mode', fail);
  const watching = v.mode === 'watch';
  if (v.windows !== undefined) {
    const w = (v.windows ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(w)) if (!['every', 'interval', 'tokens'].includes(key)) fail(`unknown field \`windows.${key}\``);
    for (const key of watching ? ['tokens'] : ['every']) {
      if (w[key] !== undefined && (!Number.isInteger(w[key]) || (w[key] as number) < 1)) {
        fail(`expected \`windows.${key}\` to be an integer from 1 and up, got ${JSON.stringify(w[key])}`);
      }
    }
    if (watching && w.every !== undefined) fail('`windows.every` is for mode report; a watch pipeline uses `windows.interval` and `windows.tokens`');
    if (!watching && (w.interval !== undefined || w.tokens !== undefined)) fail('`windows.interval` and `windows.tokens` are for mode watch');
    if (w.interval !== undefined && (typeof w.interval !== 'string' || !/^\d+(\.\d+)?(ms|s|m|h)?$/.test(w.interval))) {
      fail(`expected \`windows.interval\` to be a duration like 10s, got ${JSON.stringify(w.interval)}`);
    }
  }
  if (v.state !== undefined && (typeof v.state !== 'string' || v.state === '')) fail('expected `state` to be a directory path');
  if (!watching && (v.state !== undefined || v.metrics !== undefined)) fail('`state` and `metrics` are for mode watch');
  if (v.metrics !== undefined) {
    const m = v.metrics as Record<string, unknown> | null;
    if (m === null || !Number.isInteger(m.port) || (m.port as number) < 0 || (m.port as number) > 65535) fail('expected `metrics.port` to be a port number');
    if (m !== null && m.host !== undefined && typeof m.host !== 'string') fail('expected `metrics.host` to be an address');
  }
  if (watching) {
    const outs = (Array.isArray(v.outputs) ? v.outputs : []) as Record<string, unknown>[];
    if (outs.length !== 1 || outs[0]?.type !== 'ndjson') fail('a watch pipeline has exactly one output, of type ndjson');
  }
  if (!Array.isArray(v.outputs) || v.outputs.length === 0) fail('expected `outputs` to be a non-empty array');
  const outputs = v.outputs as unknown[];
  outputs.forEach((o, i) => {
    if (o === null || typeof o !== 'object') fail(`expected \`outputs[${i}]\` to be an object`);
    const out = o as Record<string, unknown>;
    oneOf(out.type, ['text', 'json', 'ndjson'], `outputs[${i}].type`, fail, true);
    if (out.path !== undefined && (typeof out.path !== 'string' || out.path === '')) fail(`expected \`outputs[${i}].path\` to be a path or "-"`);
  });
  const toStdout = outputs.filter((o) => ((o as PipelineOutput).path ?? '-') === '-');
  if (toStdout.length > 1) fail('at most one output can go to stdout ("-")');
  for (const key of ['strict', 'per_sequence'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'boolean') fail(`expected \`${key}\` to be true or false`);
  }
  if (v.dead_letter !== undefined && (typeof v.dead_letter !== 'string' || v.dead_letter === '')) fail('expected `dead_letter` to be a path');
  return v as unknown as PipelineDefinition;
}

function oneOf(value: unknown, allowed: readonly string[], field: string, fail: (m: string) => never, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(`expected \`${field}\` to be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
}
