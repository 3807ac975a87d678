import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import type { ScoredItem } from './scored-batch.js';
import { checkLogprob, describe, TokenBatchBuilder } from './token-batch-builder.js';
import { isRecord, segmentField, sequenceIdField } from './record-fields.js';

/**
 * xent's own one-sequence-per-line format:
 *
 *   {"id": "doc-1", "logprobs": [-1.2, null, -0.3],
 *    "tokens"?: ["a", "b", "c"],
 *    "top_logprobs"?: [[-1.2, -2.0], [], null],      alternatives' logprobs per token
 *    "bytes"?: [1, 2, 1] | [[97], [195, 169], [99]],  byte count, or byte values, per token (null = unknown)
 *    "segment"?: "prompt" | "completion"}             default completion
 *
 * The line is a whole sequence: one batch, final. `null` logprobs are unscored. Every optional array
 * must have one entry per logprob. `id` missing or "" → context.fallbackId; a number id is used as
 * its decimal string.
 */
export const xentSequenceAdapter: FormatAdapter = {
  name: 'xent-sequence',
  description: 'xent sequence lines: {"id", "logprobs": [...], "tokens"?, "top_logprobs"?, "bytes"?, "segment"?}',

  detect(record: unknown): boolean {
    return isRecord(record) && Array.isArray(record.logprobs) && !('choices' in record) && !('object' in record) && !listsObjects(record.logprobs);
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an xent sequence must be an object, got ${describe(record)}`);
    const logprobs = record.logprobs;
    if (!Array.isArray(logprobs)) throw new RecordError('INVALID_RECORD', `logprobs is ${describe(logprobs)}, not an array`);
    const n = logprobs.length;
    const tokens = optionalArray(record, 'tokens', n);
    const top = optionalArray(record, 'top_logprobs', n);
    const bytes = optionalArray(record, 'bytes', n);
    const builder = new TokenBatchBuilder(sequenceIdField(record.id, 'id', context.fallbackId), segmentField(record.segment), n, 'logprobs');
    if (context.detail === 'full') builder.keepAlternatives();

    for (let i = 0; i < n; i++) {
      const lp: unknown = logprobs[i];
      if (lp != null) checkLogprob(lp, `logprobs[${i}]`);
      if (!builder.add(lp)) continue;
      if (tokens !== undefined) {
        const t: unknown = tokens[i];
        if (typeof t === 'string') builder.setText(t);
        else if (t != null) throw new RecordError('INVALID_RECORD', `tokens[${i}] is ${describe(t)}, not a string`);
      }
      if (bytes !== undefined) {
        const count = byteCount(bytes[i], `bytes[${i}]`);
        if (count !== undefined) builder.setBytes(count);
      }
      if (top !== undefined) {
        const row: unknown = top[i];
        if (row == null) continue;
        if (!Array.isArray(row)) throw new RecordError('INVALID_RECORD', `top_logprobs[${i}] is ${describe(row)}, not an array`);
        for (let j = 0; j < row.length; j++) checkLogprob(row[j], `top_logprobs[${i}][${j}]`);
        if (row.length > 0) builder.setTopK(row);
      }
    }
    return [builder.build(true)];
  },
};

/**
 * A `logprobs` array of objects (`[{token, logprob}]`: Ollama, OpenAI Responses events) is some
 * other format's token list, never this one's numbers: its first non-null entry says which.
 */
function listsObjects(logprobs: unknown[]): boolean {
  const first = logprobs.find((v) => v !== null);
  return typeof first === 'object' && !Array.isArray(first);
}

function optionalArray(record: Record<string, unknown>, key: string, length: number): unknown[] | undefined {
  const value = record[key];
  if (value == null) return undefined;
  if (!Array.isArray(value)) throw new RecordError('INVALID_RECORD', `${key} is ${describe(value)}, not an array`);
  if (value.length !== length) {
    throw new RecordError('INVALID_RECORD', `${key} has ${value.length} entries but logprobs has ${length}`);
  }
  return value;
}

/** A byte count (non-negative integer) or a list of byte values (integers 0–255); null = unknown. */
function byteCount(value: unknown, where: string): number | undefined {
  if (value == null) return undefined;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return value;
    throw new RecordError('INVALID_RECORD', `${where} is ${value}, not a byte count (a non-negative integer)`);
  }
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const b: unknown = value[k];
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
        throw new RecordError('INVALID_RECORD', `${where}[${k}] is ${describe(b)}, not a byte value (an integer 0–255)`);
      }
    }
    return value.length;
  }
  throw new RecordError('INVALID_RECORD', `${where} is ${describe(value)}, not a byte count or a list of byte values`);
}

