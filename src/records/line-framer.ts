/**
 * Byte framing into lines, without streams (the LineSplitter Transform wraps it; the daemon and
 * tests drive it directly). Every line carries its 1-based number and the byte offsets where it
 * starts and where the next one starts, so a reader can resume exactly after it.
 * A UTF-8 BOM at the start of the input and a CR before LF are dropped; a chunk boundary may fall
 * anywhere, inside a UTF-8 character or between CR and LF, because bytes are decoded only once a
 * whole line is in hand. A line longer than `maxLineBytes` is not buffered: its bytes are counted
 * and skipped, and an `overlong` entry says where it was.
 *
 * `push`/`end` give FramedItem objects with decoded text; `frame`/`finish` give a LineVisitor the
 * raw bytes instead, so that the fast path can read a line without decoding it into a string.
 */
export interface FramedLine {
  kind: 'line';
  text: string;
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte offset just past the line's newline (or past its last byte, if the input ended without one). */
  end: number;
  /** False for a last line that had no newline. */
  terminated: boolean;
}

export interface OverlongLine {
  kind: 'overlong';
  line: number;
  offset: number;
  end: number;
  /** Length in bytes, newline excluded. */
  bytes: number;
  terminated: boolean;
}

export type FramedItem = FramedLine | OverlongLine;

/** Receives framed lines as bytes (see LineFramer.frame). */
export interface LineVisitor {
  /**
   * A line's bytes are buf[start, end), BOM and CR already dropped; buf[end] exists and is a byte
   * below 0x20 (the line's CR or LF, or a NUL appended after a line pieced together from chunks).
   * `buf` is only valid during the call.
   */
  line(buf: Buffer, start: number, end: number, line: number, offset: number, next: number, terminated: boolean): void;
  overlong(item: OverlongLine): void;
}

export interface LineFramerOptions {
  /** Longest line kept, in bytes, newline excluded (default 64 MiB). */
  maxLineBytes?: number;
  /** Offset and line number of the first byte, for a reader that resumes mid-file. */
  startOffset?: number;
  startLine?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export class LineFramer {
  private readonly maxLineBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the current line seen so far, kept or skipped. */
  private currentBytes = 0;
  private overlong = false;
  private lineNumber: number;
  private lineStart: number;
  private atInputStart: boolean;
  private lastByte = -1;
  private readonly collector = new ItemCollector();

  constructor(options: LineFramerOptions = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!(this.maxLineBytes >= 1)) {
      throw new RangeError(`Expected \`maxLineBytes\` to be a number from 1 and up, got ${options.maxLineBytes}`);
    }
    this.lineStart = options.startOffset ?? 0;
    this.lineNumber = options.startLine ?? 1;
    this.atInputStart = this.lineStart === 0;
  }

  /** Frames a chunk; complete lines are appended to `out`. */
  push(chunk: Buffer, out: FramedItem[]): void {
    this.collector.out = out;
    this.frame(chunk, this.collector);
  }

  /** Flushes an unterminated last line, if any. */
  end(out: FramedItem[]): void {
    this.collector.out = out;
    this.finish(this.collector);
  }

  /** Frames a chunk; complete lines go to `visitor` as bytes. */
  frame(chunk: Buffer, visitor: LineVisitor): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos);
      const stop = nl === -1 ? chunk.length : nl;
      const piece = stop - pos;
      if (!this.overlong && this.currentBytes + piece > this.maxLineBytes) {
        this.overlong = true;
        this.pending = [];
        this.pendingBytes = 0;
      }
      this.currentBytes += piece;
      if (piece > 0) this.lastByte = chunk[stop - 1] as number;
      if (nl === -1) {
        if (!this.overlong) {
          // A copy, not a view: the caller may reuse the chunk's memory for its next read.
          this.pending.push(Buffer.from(chunk.subarray(pos)));
          this.pendingBytes += piece;
        }
        return;
      }
      this.emit(chunk, pos, nl, true, visitor);
      pos = nl + 1;
    }
  }

  /** Gives `visitor` an unterminated last line, if any. */
  finish(visitor: LineVisitor): void {
    if (this.currentBytes > 0) this.emit(Buffer.alloc(0), 0, 0, false, visitor);
  }

  /** Number of the next line to be framed. */
  get nextLine(): number {
    return this.lineNumber;
  }

  /** Offset just past the last complete line framed. */
  get committedOffset(): number {
    return this.lineStart;
  }

  private emit(chunk: Buffer, from: number, to: number, terminated: boolean, visitor: LineVisitor): void {
    const start = this.lineStart;
    const length = this.currentBytes;
    const end = start + length + (terminated ? 1 : 0);
    if (this.overlong) {
      let bytes = length;
      if (terminated && length > 0 && this.lastByte === CR) bytes--;
      visitor.overlong({ kind: 'overlong', line: this.lineNumber, offset: start, end, bytes, terminated });
    } else {
      let buf = chunk;
      let a = from;
      let b = to;
      if (this.pendingBytes > 0) {
        // Pieced together with one spare byte, so that buf[b] exists (see LineVisitor.line).
        const total = this.pendingBytes + (to - from);
        buf = Buffer.allocUnsafe(total + 1);
        let at = 0;
        for (const piece of this.pending) at += piece.copy(buf, at);
        chunk.copy(buf, at, from, to);
        buf[total] = 0;
        a = 0;
        b = total;
      }
      if (terminated && b > a && buf[b - 1] === CR) b--;
      if (this.atInputStart && b - a >= 3 && buf[a] === 0xef && buf[a + 1] === 0xbb && buf[a + 2] === 0xbf) a += 3;
      visitor.line(buf, a, b, this.lineNumber, start, end, terminated);
    }
    this.atInputStart = false;
    this.pending = [];
    this.pendingBytes = 0;
    this.currentBytes = 0;
    this.overlong = false;
    this.lastByte = -1;
    this.lineStart = end;
    this.lineNumber++;
  }
}

/** The visitor behind push/end: decoded FramedItems into an array. */
class ItemCollector implements LineVisitor {
  out: FramedItem[] = [];

  line(buf: Buffer, start: number, end: number, line: number, offset: number, next: number, terminated: boolean): void {
    this.out.push({ kind: 'line', text: buf.toString('utf8', start, end), line, offset, end: next, terminated });
  }

  overlong(item: OverlongLine): void {
    this.out.push(item);
  }
}
