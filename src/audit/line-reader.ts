import type { FileHandle } from 'node:fs/promises';

/** Bytes read at a time: a line that fits is read whole, and nearby lines (asked for in offset order) come from the same read. */
const WINDOW_BYTES = 64 * 1024;

/**
 * Lines of an open file by their byte offset, for the audit's second pass. Reads go through a
 * window of 64 KiB, so lines asked for in ascending offsets that lie close together cost one read
 * between them, and lines far apart one small read each: the bytes read stay below both the file's
 * size and 64 KiB a line (plus what long lines need).
 */
export class LineReader {
  private window = Buffer.alloc(0);
  /** File offset of window[0]. */
  private start = 0;

  constructor(private readonly file: FileHandle) {}

  /**
   * The bytes from `offset` through the line's newline (or the end of the file); of a line longer
   * than `limit` bytes, only the reads that pass `limit` (the caller's framer then calls it
   * over-long). Empty at or past the end of the file. The buffer is the caller's until the next call.
   */
  async lineAt(offset: number, limit: number): Promise<Buffer> {
    const pieces: Buffer[] = [];
    let at = offset;
    for (;;) {
      if (at < this.start || at >= this.start + this.window.length) {
        await this.fill(at);
        if (this.window.length === 0) break;
      }
      const from = at - this.start;
      const nl = this.window.indexOf(0x0a, from);
      const end = nl === -1 ? this.window.length : nl + 1;
      pieces.push(this.window.subarray(from, end));
      at += end - from;
      if (nl !== -1 || at - offset > limit) break;
    }
    // Each fill is a new buffer, so the pieces of a long line stay valid until they are joined.
    return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces);
  }

  private async fill(at: number): Promise<void> {
    const buffer = Buffer.allocUnsafe(WINDOW_BYTES);
    const { bytesRead } = await this.file.read(buffer, 0, WINDOW_BYTES, at);
    this.window = buffer.subarray(0, bytesRead);
    this.start = at;
  }
}
