import { Transform, type TransformCallback } from 'node:stream';
import { LineFramer, type FramedItem, type LineFramerOptions } from '../records/line-framer.js';

export interface LineSplitterOptions extends LineFramerOptions {
  /** Emit a last line that has no newline (default true; the daemon holds it until its newline arrives). */
  emitUnterminated?: boolean;
}

/** Bytes → FramedItem objects (one per line), with line numbers and byte offsets. */
export class LineSplitter extends Transform {
  private readonly framer: LineFramer;
  private readonly emitUnterminated: boolean;
  private readonly out: FramedItem[] = [];

  constructor(options: LineSplitterOptions = {}) {
    super({ readableObjectMode: true, readableHighWaterMark: 1024 });
    this.framer = new LineFramer(options);
    this.emitUnterminated = options.emitUnterminated ?? true;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.framer.push(chunk, this.out);
    this.drain();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.emitUnterminated) this.framer.end(this.out);
    this.drain();
    callback();
  }

  private drain(): void {
    // Bounded by one chunk's lines; Transform stops calling _transform until the reader catches up.
    for (const item of this.out) this.push(item);
    this.out.length = 0;
  }
}
