import { createHash } from 'node:crypto';
import { reportStateProblem, type ReportState } from './report-state.js';

export const STATE_FORMAT = 'xent-state';
/** Raised whenever the envelope or the payload changes shape; other versions are refused, never guessed at. */
export const STATE_VERSION = 1;

/**
 * A state file's text: `{"format":"xent-state","version":1,"sha256":…,"payload":…}`. The SHA-256
 * is over the payload's JSON as JSON.stringify writes it, so a truncated or hand-edited state is
 * caught before any figure is read from it.
 */
export function encodeState(state: ReportState): string {
  const body = JSON.stringify(state);
  return `{"format":"${STATE_FORMAT}","version":${STATE_VERSION},"sha256":"${sha256(body)}","payload":${body}}\n`;
}

/** The state in `text`, or a sentence saying why it cannot be used (the caller names the file). */
export function decodeState(text: string): ReportState | string {
  if (text.trim() === '') return 'it is empty';
  let envelope: { format?: unknown; version?: unknown; sha256?: unknown; payload?: unknown };
  try {
    envelope = JSON.parse(text) as typeof envelope;
  } catch {
    return 'it is not valid JSON (truncated?)';
  }
  if (typeof envelope !== 'object' || envelope === null || envelope.format !== STATE_FORMAT) return 'it is not an xent state file';
  if (envelope.version !== STATE_VERSION) {
    return `it is version ${JSON.stringify(envelope.version)} of the state format; this xent reads version ${STATE_VERSION} (merge states made by the same xent version)`;
  }
  // Re-serialising the parsed payload gives back the exact text JSON.stringify wrote (numbers
  // print as their shortest round-trip form), so any changed value changes the digest.
  if (typeof envelope.sha256 !== 'string' || sha256(JSON.stringify(envelope.payload)) !== envelope.sha256) {
    return 'its checksum does not match: it was damaged or edited';
  }
  const problem = reportStateProblem(envelope.payload);
  if (problem !== undefined) return `its payload is malformed: ${problem}`;
  return envelope.payload as ReportState;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
