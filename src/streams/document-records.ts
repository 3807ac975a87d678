import { Transform, type TransformCallback } from 'node:stream';
import { decodedValue } from '../records/line-decoder.js';

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
    callback(null, decodedValue(item.value, { file: this.file, element: this.element++ }));
  }
}
