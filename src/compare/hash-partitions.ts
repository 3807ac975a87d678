import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * One side of a Grace hash join on disk: each record goes, as one NDJSON line, to partition
 * hash(id) mod P. Compare then loads one partition of side A at a time into a Map and streams the
 * same partition of side B past it, so memory holds about 1/P of one side's sequence summaries
 * (plus P write buffers of 64 KiB), never both dumps. Writes are synchronous and buffered, so the
 * sink that calls `write` needs no backpressure of its own.
 */
const BUFFER_BYTES = 64 * 1024;

export class PartitionWriter {
  private readonly fds: number[];
  private readonly buffers: string[][];
  private readonly sizes: number[];
  written = 0;

  constructor(
    readonly dir: string,
    readonly side: string,
    readonly partitions: number,
  ) {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`Expected \`partitions\` to be an integer from 1 and up, got ${partitions}`);
    }
    this.fds = Array.from({ length: partitions }, (_, p) => openSync(partitionPath(dir, side, p), 'w'));
    this.buffers = Array.from({ length: partitions }, () => []);
    this.sizes = new Array<number>(partitions).fill(0);
  }

  write(id: string, value: unknown): void {
    const p = partitionOf(id, this.partitions);
    const line = `${JSON.stringify(value)}\n`;
    (this.buffers[p] as string[]).push(line);
    this.sizes[p] = (this.sizes[p] as number) + line.length;
    this.written++;
    if ((this.sizes[p] as number) >= BUFFER_BYTES) this.flush(p);
  }

  close(): void {
    for (let p = 0; p < this.partitions; p++) {
      this.flush(p);
      closeSync(this.fds[p] as number);
    }
  }

  private flush(p: number): void {
    const buffer = this.buffers[p] as string[];
    if (buffer.length === 0) return;
    writeSync(this.fds[p] as number, buffer.join(''));
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
