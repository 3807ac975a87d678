import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only output (the NDJSON report stream, the dead-letter file) whose committed
 * length is part of the checkpoint. On resume it is cut back to that length, so lines written
 * after the last checkpoint — which the resumed run will write again — never appear twice.
 *
 * Writes are synchronous and whole-line. When the disk is full (ENOSPC, EDQUOT) the line is
 * kept in a bounded queue and retried on the next flush; what was written before stays intact.
 */
export class AppendLog {
  private readonly fd: number;
  private length: number;
  private readonly pending: string[] = [];
  private pendingBytes = 0;
  /** Lines dropped because the queue was full while the disk stayed full. */
  dropped = 0;

  constructor(
    readonly path: string,
    committedLength: number | undefined,
    private readonly maxPendingBytes = 16 * 1024 * 1024,
  ) {
    // Positioned writes, so not O_APPEND (Linux ignores the position in append mode); 'a' first only creates it.
    closeSync(openSync(path, 'a'));
    this.fd = openSync(path, 'r+');
    const size = fstatSync(this.fd).size;
    if (committedLength !== undefined && size > committedLength) ftruncateSync(this.fd, committedLength);
    this.length = committedLength !== undefined ? Math.min(size, committedLength) : size;
  }

  write(line: string): void {
    this.pending.push(line);
    this.pendingBytes += Buffer.byteLength(line);
    while (this.pendingBytes > this.maxPendingBytes && this.pending.length > 1) {
      this.pendingBytes -= Buffer.byteLength(this.pending.shift() as string);
      this.dropped++;
    }
    this.flush();
  }

  /** Writes what is queued; returns false while the disk refuses (the queue is kept). */
  flush(): boolean {
    while (this.pending.length > 0) {
      const line = this.pending[0] as string;
      const bytes = Buffer.from(line);
      try {
        let written = 0;
        while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written, this.length + written);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EDQUOT') {
          // A partial line may have reached the disk: cut it off so the file stays whole lines.
          try {
            ftruncateSync(this.fd, this.length);
          } catch {
            // the next successful write overwrites it anyway (positioned writes)
          }
          return false;
        }
        throw error;
      }
      this.length += bytes.length;
      this.pending.shift();
      this.pendingBytes -= bytes.length;
    }
    return true;
  }

  /** Flushes and fsyncs; returns the length to record in the checkpoint (whole lines only). */
  commit(): number {
    this.flush();
    fsyncSync(this.fd);
    return this.length;
  }

  get queued(): number {
    return this.pending.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
