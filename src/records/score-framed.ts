import type { FormatAdapter } from '../formats/adapter.js';
import type { DecodedRecord, RecordOutcome } from '../formats/record-outcome.js';
import { decodeLine } from './line-decoder.js';
import type { FramedItem } from './line-framer.js';
import { scoreRecord } from './record-scorer.js';

/**
 * The full path for one framed line: its records (see decodeLine) → one RecordOutcome each, to
 * `sink`, scored by the forced adapter or the detected one (see scoreRecord). Every reader of JSON
 * lines takes a line it does not read by the fast path through here: the LineScorer, the daemon's
 * tailed files, the threads' look at a file's head.
 */
export function scoreFramed(item: FramedItem, file: string, adapter: FormatAdapter | undefined, sink: (outcome: RecordOutcome) => void): void {
  const decoded: DecodedRecord[] = [];
  decodeLine(item, file, decoded);
  for (const record of decoded) sink(record.kind === 'record' ? scoreRecord(record, adapter) : record);
}
