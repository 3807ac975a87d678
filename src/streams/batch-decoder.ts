import { Transform, type TransformCallback } from 'node:stream';
import type { FormatAdapter } from '../formats/adapter.js';
import { scoreRecord } from '../records/record-scorer.js';
import type { DecodedRecord } from '../formats/record-outcome.js';

/** Parsed records → scored records (batches of typed arrays) through the format adapters. */
export class BatchDecoder extends Transform {
  constructor(private readonly forced?: FormatAdapter) {
    super({ objectMode: true });
  }

  override _transform(record: DecodedRecord, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, record.kind === 'record' ? scoreRecord(record, this.forced) : record);
  }
}
