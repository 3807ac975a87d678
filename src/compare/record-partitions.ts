import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { PartitionFiles, partitionOf } from './hash-partitions.js';
import { PREFIX_BYTES, recordLength } from './sequence-record.js';

/**
 * The Grace hash join of `compare --kl`, on binary sequence records (sequence-record.ts): each record goes to
 * partition hash(id) mod P. Unlike the summaries of a plain compare, records carry rows and can be large, so the
 * join keeps no record in memory that it is not comparing: it indexes side A's partition (id → byte offset, from the
 * headers) and reads one record of each side at a time. Writes go through PartitionFiles, as a plain compare's do.
 */
export class RecordPartitionWriter {
  private readonly files: PartitionFiles;

  constructor(
    readonly dir: string,
    readonly side: string,
    readonly partitions: number,
  ) {
    this.files = new PartitionFiles(Array.from({ length: partitions }, (_, p) => recordPartitionPath(dir, side, p)));
  }

  write(id: string, record: Buffer): void {
    this.files.write(partitionOf(id, this.partitions), record);
  }

  close(): void {
    this.files.close();
  }
}

export function recordPartitionPath(dir: string, side: string, p: number): string {
  return join(dir, `${side}-${p}.rows`);
}

/** One partition file, read a record at a time. */
export class RecordPartitionReader {
  private constructor(private readonly handle: FileHandle) {}

  static async open(dir: string, side: string, p: number): Promise<RecordPartitionReader> {
    return new RecordPartitionReader(await open(recordPartitionPath(dir, side, p), 'r'));
  }

  /** Every record's offset in file order, with its header bytes only (to index side A without reading rows). */
  async *headers(): AsyncGenerator<{ offset: number; header: Buffer }> {
    for (let offset = 0; ; ) {
      const prefix = await this.bytes(offset, PREFIX_BYTES);
      if (prefix === undefined) return;
      const { headerBytes, total } = recordLength(prefix);
      const header = await this.bytes(offset, PREFIX_BYTES + headerBytes);
      if (header === undefined) throw new Error(`partition record at byte ${offset} is cut short`);
      yield { offset, header };
      offset += total;
    }
  }

  /** Every whole record in file order. */
  async *records(): AsyncGenerator<Buffer> {
    for (let offset = 0; ; ) {
      const record = await this.at(offset);
      if (record === undefined) return;
      yield record;
      offset += record.length;
    }
  }

  /** The whole record at `offset` (undefined at the end of the file). */
  async at(offset: number): Promise<Buffer | undefined> {
    const prefix = await this.bytes(offset, PREFIX_BYTES);
    if (prefix === undefined) return undefined;
    const record = await this.bytes(offset, recordLength(prefix).total);
    if (record === undefined) throw new Error(`partition record at byte ${offset} is cut short`);
    return record;
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** `length` bytes from `offset` in a buffer of its own (so its doubles are 8-aligned), or undefined at the end. */
  private async bytes(offset: number, length: number): Promise<Buffer | undefined> {
    const buffer = Buffer.from(new ArrayBuffer(length));
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.handle.read(buffer, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got === 0) return undefined;
    if (got < length) throw new Error(`partition record at byte ${offset} is cut short`);
    return buffer;
  }
}
