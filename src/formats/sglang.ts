import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import { isRecord, sequenceIdField, type JsonObject } from './record-fields.js';
import type { ScoredItem, Segment, TokenBatch } from './scored-batch.js';
import { checkLogprob, describe } from './token-batch-builder.js';
import { builderFor } from './token-entries.js';

/**
 * SGLang native `/generate` responses with `return_logprob: true` (a batch request answers with a
 * JSON array of them, one record each):
 *
 *   {text, output_ids?, meta_info: {id, finish_reason: {type, ...} | null,
 *     input_token_logprobs: [[logprob | null, token_id, text | null]],   the prompt
 *     output_token_logprobs: [[logprob, token_id, text | null]],         the completion
 *     input_top_logprobs?, output_top_logprobs?: [null | [[logprob, token_id, text | null]]]}}
 *
 * Input logprobs are the prompt segment (the first prompt token has none: unscored), output
 * logprobs the completion; the sequence id is `meta_info.id`.
 *
 * Streaming (`stream: true`): SGLang sends each chunk with every token so far (unless the server
 * runs with incremental streaming output), and the last chunk, the one with a finish_reason,
 * holds them all. So only that chunk is scored; earlier chunks (finish_reason null) give an
 * empty, open batch for the request id: the request is counted as a sequence even when the
 * stream was cut, but its tokens are read from the last chunk alone, never added up twice. A last
 * chunk listing fewer output logprobs than its `completion_tokens` comes from an incremental stream
 * and is a bad record rather than a silently short sequence.
 */
export const sglangAdapter: FormatAdapter = {
  name: 'sglang',
  description: 'SGLang /generate responses (meta_info.input_token_logprobs / output_token_logprobs tuples; stream: last chunk)',

  detect(record: unknown): boolean {
    if (!isRecord(record) || !isRecord(record.meta_info)) return false;
    const meta = record.meta_info;
    return Array.isArray(meta.output_token_logprobs) || Array.isArray(meta.input_token_logprobs) || ('finish_reason' in meta && 'id' in meta);
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an SGLang response must be an object, got ${describe(record)}`);
    const meta = record.meta_info;
    if (!isRecord(meta)) throw new RecordError('INVALID_RECORD', `meta_info is ${describe(meta)}, not an object`);
    const id = sequenceIdField(meta.id, 'meta_info.id', context.fallbackId);
    if (meta.finish_reason === null) return [builderFor(id, 'completion', 1, context).build(false)];
    const items: ScoredItem[] = [];
    if (meta.input_token_logprobs !== undefined && meta.input_token_logprobs !== null) {
      items.push(tuples(meta, 'input', id, 'prompt', context));
    }
    items.push(tuples(meta, 'output', id, 'completion', context));
    const listed = Array.isArray(meta.output_token_logprobs) ? meta.output_token_logprobs.length : 0;
    if (typeof meta.completion_tokens === 'number' && listed > 0 && listed < meta.completion_tokens) {
      // The last piece of an incremental stream: the earlier pieces were skipped as snapshots.
      throw new RecordError(
        'INVALID_RECORD',
        `meta_info.completion_tokens is ${meta.completion_tokens} but output_token_logprobs has ${listed}: the last chunk of an incremental stream (incremental_streaming_output), whose earlier chunks cannot be told from snapshots; stream without it, or save the non-streamed answer`,
      );
    }
    return items;
  },
};

function tuples(meta: JsonObject, side: 'input' | 'output', id: string, segment: Segment, context: DecodeContext): TokenBatch {
  const key = `${side}_token_logprobs`;
  const list = meta[key] ?? [];
  if (!Array.isArray(list)) throw new RecordError('INVALID_RECORD', `meta_info.${key} is ${describe(list)}, not an array`);
  const topKey = `${side}_top_logprobs`;
  const top = meta[topKey];
  if (top !== undefined && top !== null && (!Array.isArray(top) || top.length !== list.length)) {
    throw new RecordError(
      'INVALID_RECORD',
      Array.isArray(top)
        ? `meta_info.${topKey} has ${top.length} entries but meta_info.${key} has ${list.length}`
        : `meta_info.${topKey} is ${describe(top)}, not an array`,
    );
  }
  const builder = builderFor(id, segment, list.length, context, `meta_info.${key}`);
  const alternatives: number[] = [];
  const texts: string[] | undefined = context.detail === 'full' ? [] : undefined;
  for (let i = 0; i < list.length; i++) {
    const [logprob, text] = tuple(list[i], `meta_info.${key}[${i}]`);
    if (!builder.add(logprob)) continue;
    if (text !== undefined) builder.setText(text);
    const row: unknown = Array.isArray(top) ? top[i] : undefined;
    if (row === undefined || row === null) continue;
    if (!Array.isArray(row)) throw new RecordError('INVALID_RECORD', `meta_info.${topKey}[${i}] is ${describe(row)}, not an array or null`);
    alternatives.length = 0;
    if (texts !== undefined) texts.length = 0;
    for (let j = 0; j < row.length; j++) {
      const [lp, altText] = tuple(row[j], `meta_info.${topKey}[${i}][${j}]`);
      if (lp === null) continue;
      alternatives.push(lp);
      texts?.push(altText ?? '');
    }
    if (alternatives.length > 0) builder.setTopK(alternatives, texts);
  }
  return builder.build(true);
}

/** `[logprob | null, token_id, text | null]` → logprob and text (when SGLang was asked for it). */
function tuple(value: unknown, path: string): [number | null, string | undefined] {
  if (!Array.isArray(value) || value.length < 2) {
    throw new RecordError('INVALID_RECORD', `${path} is ${describe(value)}, not a [logprob, token_id, text] tuple`);
  }
  const lp: unknown = value[0];
  const text: unknown = value[2];
  return [lp === null ? null : checkLogprob(lp, `${path}[0]`), typeof text === 'string' ? text : undefined];
}
