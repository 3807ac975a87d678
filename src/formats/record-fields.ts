import { RecordError } from '../errors.js';
import type { Segment } from './scored-batch.js';
import { describe } from './token-batch-builder.js';

/** Field readers shared by the adapters: one definition of what each field may hold. */
export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A record's own sequence id: a non-empty string, or a finite number; missing (or "") means the
 * caller's fallback (file:line). Anything else makes the record bad, naming the field.
 */
export function sequenceIdField(value: unknown, field: string, fallbackId: string): string {
  if (value == null || value === '') return fallbackId;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new RecordError('INVALID_RECORD', `${field} is ${describe(value)}, not a string or a number`);
}

/** An optional `segment` field: completion unless it says prompt. */
export function segmentField(value: unknown): Segment {
  if (value == null) return 'completion';
  if (value === 'prompt' || value === 'completion') return value;
  throw new RecordError('INVALID_RECORD', `segment is ${describe(value)}, not "prompt" or "completion"`);
}
