import type { ScoredItem } from './scored-batch.js';

/** Where a record came from. `line` is 1-based; `element` is the index inside a top-level array. */
export interface RecordOrigin {
  file: string;
  line?: number;
  offset?: number;
  element?: number;
}

export interface BadRecord extends RecordOrigin {
  code: string;
  reason: string;
}

/** A parsed JSON object and where it came from. */
export interface ParsedRecord {
  kind: 'record';
  value: unknown;
  origin: RecordOrigin;
  /** The line it came from (for dead letters); absent for elements of a streamed JSON document. */
  raw?: string;
}

/** A record that could not be scored: counted, reported, optionally written to a dead-letter file. */
export interface RejectedRecord {
  kind: 'bad';
  bad: BadRecord;
  raw?: string;
}

/** The scored items of one record. */
export interface ScoredRecord {
  kind: 'scored';
  items: ScoredItem[];
  origin: RecordOrigin;
  format: string;
  /** The record's value at --group-by (null: it has none); set only where figures are grouped. */
  group?: string | null;
}

export type DecodedRecord = ParsedRecord | RejectedRecord;
export type RecordOutcome = ScoredRecord | RejectedRecord;
