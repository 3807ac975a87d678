import { Transform, type TransformCallback } from 'node:stream';
import type { FramedItem } from '../records/line-framer.js';
import { decodeLine } from '../records/line-decoder.js';
import type { DecodedRecord } from '../formats/record-outcome.js';

/** FramedItem → parsed records (or bad ones), see decodeLine. */
export class RecordDecoder extends Transform {
  private readonly out: DecodedRecord[] = [];

  constructor(private readonly file: string) {
    super({ objectMode: true });
  }

  override _transform(item: FramedItem, _encoding: BufferEncoding, callback: TransformCallback): void {
    decodeLine(item, this.file, this.out);
    for (const record of this.out) this.push(record);
    this.out.length = 0;
    callback();
  }
}
