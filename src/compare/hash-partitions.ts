import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * One side of a Grace hash join on disk: each record goes, as one NDJSON line, to partition
 * hash(id) mod P. Compare then loads one partition of side A at a time into a Map and streams the
 * same partition of side B past it, so memory holds about 1/P of one side's sequence summaries
 * (plus P write buffers of 64 KiB: PartitionFiles), never both dumps.
 */
const BUFFER_BYTES = 64 * 1024;

export class PartitionWriter {
  private readonly files: PartitionFiles;
  written = 0;

  constructor(
    readonly dir: string,
    readonly side: string,
    readonly partitions: number,
  ) {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`Expected \`partitions\` to be an integer from 1 and up, got ${partitions}`);
    }
    this.files = new PartitionFiles(Array.from({ length: partitions }, (_, p) => partitionPath(dir, side, p)));
  }

  write(id: string, value: unknown): void {
    this.files.write(partitionOf(id, this.partitions), Buffer.from(`${JSON.stringify(value)}\n`));
    this.written++;
  }

  close(): void {
    this.files.close();
  }
}

/**
 * The partition files of a hash join, written synchronously through a 64 KiB buffer each (a larger
 * piece is written at once), so the sink that calls `write` needs no backpressure of its own. Used
 * for the NDJSON summaries here and for compare --kl's binary records (record-partitions.ts).
 */
export class PartitionFiles {
  private readonly fds: number[];
  private readonly buffers: Buffer[][];
  private readonly sizes: number[];

  constructor(paths: readonly string[]) {
    this.fds = paths.map((path) => openSync(path, 'w'));
    this.buffers = paths.map(() => []);
    this.sizes = paths.map(() => 0);
  }

  write(p: number, bytes: Buffer): void {
    (this.buffers[p] as Buffer[]).push(bytes);
    this.sizes[p] = (this.sizes[p] as number) + bytes.length;
    if ((this.sizes[p] as number) >= BUFFER_BYTES) this.flush(p);
  }

  close(): void {
    for (let p = 0; p < this.fds.length; p++) {
      this.flush(p);
      closeSync(this.fds[p] as number);
    }
  }

  private flush(p: number): void {
    const buffer = this.buffers[p] as Buffer[];
    if (buffer.length === 0) return;
    const all = buffer.length === 1 ? (buffer[0] as Buffer) : Buffer.concat(buffer);
    // writeSync may write part of a buffer: go on until all of it is written.
    for (let at = 0; at < all.length; ) at += writeSync(this.fds[p] as number, all, at);
    buffer.length = 0;
    this.sizes[p] = 0;
  }
}

export function partitionPath(dir: string, side: string, p: number): string {
  return join(dir, `${side}-${p}.ndjson`);
}

/** Each line of a partition file, parsed, in order. */
export async function* readPartition<T>(dir: string, side: string, p: number): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(partitionPath(dir, side, p)), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line !== '') yield JSON.parse(line) as T;
}

/** FNV-1a over UTF-16 code units, mod P: stable across runs and machines. */
export function partitionOf(id: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}
