import { RecordError } from '../errors.js';
import type { Segment } from './scored-batch.js';
import { describe } from './token-batch-builder.js';

/** Field readers shared by the adapters: one definition of what each field may hold. */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A record's own id as text: a non-empty string, or a finite number (its decimal form). `undefined` when there is none
 * (absent, null or ""), `false` when it holds anything else. The one rule for ids; what `false` means is the caller's.
 */
function ownId(value: unknown): string | undefined | false {
  if (value == null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return false;
}

/**
 * The xent formats' sequence id: the record's own id, or the caller's fallback (file:line) when there is none. Any other
 * value makes the record bad, naming the field: the user wrote it, and a silent fallback would split their sequence.
 */
export function sequenceIdField(value: unknown, field: string, fallbackId: string): string {
  const id = ownId(value);
  if (id === false) throw new RecordError('INVALID_RECORD', `${field} is ${describe(value)}, not a string or a number`);
  return id ?? fallbackId;
}

/**
 * The OpenAI family's record id (`id`, `custom_id`): the record's own id when usable, else the fallback, also when the
 * field holds something else: the id there is the server's bookkeeping, not the user's, and one odd id must not cost
 * a response its figures.
 */
export function recordId(value: unknown, fallbackId: string): string {
  return ownId(value) || fallbackId;
}

/** An optional `segment` field: completion unless it says prompt. */
export function segmentField(value: unknown): Segment {
  if (value == null) return 'completion';
  if (value === 'prompt' || value === 'completion') return value;
  throw new RecordError('INVALID_RECORD', `segment is ${describe(value)}, not "prompt" or "completion"`);
}
