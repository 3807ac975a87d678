import { Transform, type TransformCallback } from 'node:stream';
import type { DecodedRecord } from '../formats/record-outcome.js';

/**
 * stream-json's `{key, value}` items (elements of a top-level array, or one top-level value) →
 * parsed records. Elements have no line number in a streamed document; they are named by index.
 */
export class DocumentRecords extends Transform {
  private element = 0;

  constructor(private readonly file: string) {
    super({ objectMode: true });
  }

  /** Index of the next element: where a broken document stopped being readable. */
  get elementsRead(): number {
    return this.element;
  }

  override _transform(item: { key: number; value: unknown }, _encoding: BufferEncoding, callback: TransformCallback): void {
    const origin = { file: this.file, element: this.element++ };
    const { value } = item;
    let record: DecodedRecord;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      record = { kind: 'bad', bad: { ...origin, code: 'INVALID_RECORD', reason: `expected a JSON object, got ${what}` } };
    } else {
      record = { kind: 'record', value, origin };
    }
    callback(null, record);
  }
}
