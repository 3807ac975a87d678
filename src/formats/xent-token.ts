import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import type { ScoredItem } from './scored-batch.js';
import { checkLogprob, describe, TokenBatchBuilder } from './token-batch-builder.js';
import { isRecord, segmentField } from './record-fields.js';

/**
 * xent's one-token-per-line format (sequences may interleave):
 *
 *   {"sequence_id": "doc-1", "logprob": -0.7,
 *    "token"?: "abc", "bytes"?: 3 | [97, 98, 99], "segment"?: "prompt" | "completion", "final"?: true}
 *
 * One batch of one position; `final` from the optional flag (default false). `logprob: null` is an
 * unscored position. `sequence_id` missing or "" → context.fallbackId (the line is then its own sequence).
 */
export const xentTokenAdapter: FormatAdapter = {
  name: 'xent-token',
  description: 'xent token lines: {"sequence_id", "logprob", "token"?, "bytes"?, "segment"?, "final"?}, sequences may interleave',

  detect(record: unknown): boolean {
    return isRecord(record) && 'sequence_id' in record && 'logprob' in record;
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an xent token must be an object, got ${describe(record)}`);
    const final = record.final ?? false;
    if (typeof final !== 'boolean') throw new RecordError('INVALID_RECORD', `final is ${describe(final)}, not true or false`);
    const id = record.sequence_id;
    let sequenceId: string;
    if (id == null || id === '') sequenceId = context.fallbackId;
    else if (typeof id === 'string') sequenceId = id;
    else if (typeof id === 'number' && Number.isFinite(id)) sequenceId = String(id);
    else throw new RecordError('INVALID_RECORD', `sequence_id is ${describe(id)}, not a string or a number`);

    const builder = new TokenBatchBuilder(sequenceId, segmentField(record.segment), 1, 'logprob');
    const lp = record.logprob;
    if (lp != null) checkLogprob(lp, 'logprob');
    if (builder.add(lp)) {
      const token = record.token;
      if (typeof token === 'string') builder.setText(token);
      else if (token != null) throw new RecordError('INVALID_RECORD', `token is ${describe(token)}, not a string`);
      const count = byteCount(record.bytes);
      if (count !== undefined) builder.setBytes(count);
    }
    return [builder.build(final)];
  },
};

/** A byte count (non-negative integer) or a list of byte values (integers 0–255); null/absent = unknown. */
function byteCount(value: unknown): number | undefined {
  if (value == null) return undefined;
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return value;
    throw new RecordError('INVALID_RECORD', `bytes is ${value}, not a byte count (a non-negative integer)`);
  }
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const b: unknown = value[k];
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) {
        throw new RecordError('INVALID_RECORD', `bytes[${k}] is ${describe(b)}, not a byte value (an integer 0–255)`);
      }
    }
    return value.length;
  }
  throw new RecordError('INVALID_RECORD', `bytes is ${describe(value)}, not a byte count or a list of byte values`);
}

