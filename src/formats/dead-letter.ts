import type { BadRecord } from './record-outcome.js';

/**
 * One dead-letter line, newline included: where the bad record was, why, and its raw text (when
 * it had one), so that it can be fixed and fed again. `context` fields come first (compare's
 * `side`). Every command that writes dead letters writes this line.
 */
export function deadLetterLine(bad: BadRecord, raw: string | undefined, context?: Record<string, unknown>): string {
  // Plain JSON.stringify: every number here is a position (finite), so no replacer is needed.
  return `${JSON.stringify({ ...context, file: bad.file, line: bad.line, element: bad.element, offset: bad.offset, code: bad.code, reason: bad.reason, raw })}\n`;
}
