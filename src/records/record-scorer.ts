import { XentError } from '../errors.js';
import type { FormatAdapter } from '../formats/adapter.js';
import { detectAdapter } from '../formats/registry.js';
import type { ParsedRecord, RecordOutcome } from '../formats/record-outcome.js';
import { unknownShapeReason } from '../formats/unknown-shape.js';

/**
 * A parsed record → its scored items, by the forced adapter or the first one whose shape
 * matches. Anything an adapter rejects becomes a bad record with file, line and reason; it never
 * stops the run.
 */
export function scoreRecord(record: ParsedRecord, forced: FormatAdapter | undefined): RecordOutcome {
  const { origin, value } = record;
  const adapter = forced ?? detectAdapter(value);
  if (adapter === undefined) {
    return {
      kind: 'bad',
      bad: { ...origin, code: 'UNKNOWN_FORMAT', reason: unknownShapeReason(value) },
      raw: record.raw,
    };
  }
  const fallbackId =
    origin.line !== undefined
      ? `${origin.file}:${origin.line}${origin.element !== undefined ? `[${origin.element}]` : ''}`
      : `${origin.file}[${origin.element ?? 0}]`;
  try {
    const items = adapter.decode(value, { fallbackId });
    return { kind: 'scored', items, origin, format: adapter.name };
  } catch (error) {
    if (error instanceof XentError) {
      return { kind: 'bad', bad: { ...origin, code: error.code, reason: `${adapter.name}: ${error.message}` }, raw: record.raw };
    }
    // An adapter bug must not lose the run, but it must not hide either: the reason says so.
    return {
      kind: 'bad',
      bad: { ...origin, code: 'INVALID_RECORD', reason: `${adapter.name}: unexpected ${(error as Error).name}: ${(error as Error).message}` },
      raw: record.raw,
    };
  }
}
