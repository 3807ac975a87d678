import { open, realpath, type FileHandle } from 'node:fs/promises';
import { CorpusAccumulator, type AccumulatorOptions, type AccumulatorState } from '../aggregate/corpus-accumulator.js';
import type { GroupFiguresState } from '../aggregate/group-figures.js';
import { LineFramer, type LineVisitor } from '../records/line-framer.js';
import { HEAD_BYTES, MARKER_BYTES, hashBytes, readRange, stillHolds, type FileFingerprint } from './file-fingerprint.js';

/** Why a tailed file is no longer read. Its figures still count. */
export type FrozenReason = 'truncated' | 'gone' | 'released' | 'adopted';

export interface TailedFileState extends FileFingerprint {
  name: string;
  path: string;
  /**
   * The path with every symlink resolved, as opened (absent in checkpoints of older versions):
   * behind a switched symlink (`current.jsonl` -> `2024-05-01.jsonl`) the file is found there.
   */
  realPath?: string;
  dev: number;
  ino: number;
  /** Byte offset just past the last complete line folded in. */
  offset: number;
  /** Number of the next line. */
  line: number;
  frozen: FrozenReason | null;
  accumulator: AccumulatorState;
  /** Its figures per group, with --group-by (absent otherwise, and in older checkpoints). */
  groups?: GroupFiguresState;
}

/** An accumulator and its groups as a checkpoint saved them (see TailedFileState). */
export function restoreAccumulator(state: AccumulatorState, groups: GroupFiguresState | undefined, options: Partial<AccumulatorOptions>): CorpusAccumulator {
  const accumulator = CorpusAccumulator.fromJSON(state, options);
  if (groups !== undefined) accumulator.restoreGroups(groups);
  return accumulator;
}

/**
 * One physical file being followed: its open handle (kept open across a rename or delete so a
 * rotated file can be read to its end), a line framer positioned at the committed offset, and
 * the accumulator of everything folded in from it. Only complete lines are folded: an
 * unterminated last line waits in the framer — and, across a restart, in the file — until its
 * newline arrives.
 */
export class TailedFile {
  framer: LineFramer;
  /** Bytes handed to the framer so far (committed offset + a partial line). */
  readPosition: number;
  /** When the file last grew or changed its size, link count or mtime (a writer may still hold it). */
  lastGrowth = Date.now();
  private lastSeen = '';
  frozen: FrozenReason | null = null;
  /** When it was frozen (ms; restored entries count from the restart). */
  frozenAt = 0;
  /**
   * Fingerprint at the committed offset, computed from the bytes as they were read — never by
   * reading the file again, which could already hold new content after a truncation.
   */
  print: FileFingerprint = { headLength: 0, head: hashBytes(Buffer.alloc(0)), marker: hashBytes(Buffer.alloc(0)) };
  /** See TailedFileState.realPath. */
  realPath: string | undefined;
  /** The file's first bytes as read (up to HEAD_BYTES). */
  private headBytes: Buffer = Buffer.alloc(0);
  /** The last bytes read (up to MARKER_BYTES), ending at readPosition. */
  private recent: Buffer = Buffer.alloc(0);

  private constructor(
    public name: string,
    public path: string,
    readonly dev: number,
    readonly ino: number,
    private handle: FileHandle | undefined,
    offset: number,
    line: number,
    readonly accumulator: CorpusAccumulator,
    maxLineBytes: number,
  ) {
    this.framer = new LineFramer({ startOffset: offset, startLine: line, maxLineBytes });
    this.readPosition = offset;
  }

  static async open(
    path: string,
    at: { offset: number; line: number; accumulator: CorpusAccumulator; name?: string },
    maxLineBytes: number,
  ): Promise<TailedFile | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch {
      return undefined;
    }
    const info = await handle.stat();
    const file = new TailedFile(at.name ?? path, path, info.dev, info.ino, handle, at.offset, at.line, at.accumulator, maxLineBytes);
    file.realPath = await realpath(path).catch(() => undefined);
    // Resuming mid-file: the bytes before the offset, read once here; a caller that resumes from a
    // checkpoint checks with intact() that they are still the ones that were counted.
    file.headBytes = await readRange(handle, 0, Math.min(HEAD_BYTES, at.offset));
    file.recent = await readRange(handle, at.offset - Math.min(MARKER_BYTES, at.offset), at.offset);
    file.print = { headLength: file.headBytes.length, head: hashBytes(file.headBytes), marker: hashBytes(file.recent) };
    return file;
  }

  /** A frozen entry restored from a checkpoint: counted, never read again. */
  static frozenFrom(state: TailedFileState, options: Partial<AccumulatorOptions>): TailedFile {
    const file = new TailedFile(
      state.name,
      state.path,
      state.dev,
      state.ino,
      undefined,
      state.offset,
      state.line,
      restoreAccumulator(state.accumulator, state.groups, options),
      1,
    );
    file.realPath = state.realPath;
    file.frozen = state.frozen ?? 'gone';
    file.frozenAt = Date.now();
    file.print = { headLength: state.headLength, head: state.head, marker: state.marker };
    return file;
  }

  get offset(): number {
    return this.framer.committedOffset;
  }

  /** The open handle (undefined once frozen or closed): it reaches the file wherever it was renamed, even unlinked. */
  get openHandle(): FileHandle | undefined {
    return this.handle;
  }

  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  async size(): Promise<number | undefined> {
    if (this.handle === undefined) return undefined;
    try {
      return (await this.handle.stat()).size;
    } catch {
      return undefined;
    }
  }

  /**
   * Stats the open file and notes whether its size, link count or mtime changed since the last
   * look: a rotated file is let go only once none of them has changed for a while (a writer
   * that still holds it may append, and a link count that moves says someone still handles it).
   * Returns its size, undefined when it cannot be stat'ed.
   */
  async noteChanges(): Promise<number | undefined> {
    if (this.handle === undefined) return undefined;
    try {
      const info = await this.handle.stat();
      const seen = `${info.size}:${info.nlink}:${info.mtimeMs}`;
      if (seen !== this.lastSeen) {
        this.lastSeen = seen;
        this.lastGrowth = Date.now();
      }
      return info.size;
    } catch {
      return undefined;
    }
  }

  /**
   * Reads at most `budget` bytes past what was read and frames them; complete lines go to
   * `visitor` as bytes. Returns the number of bytes read (0 at the current end of the file).
   */
  async readSome(budget: number, visitor: LineVisitor): Promise<number | 'replaced'> {
    if (this.handle === undefined || this.frozen !== null) return 0;
    // A fresh buffer per read: the framer keeps slices of it for a partial line.
    const buffer = Buffer.allocUnsafe(budget);
    const { bytesRead } = await this.handle.read(buffer, 0, budget, this.readPosition);
    if (bytesRead === 0) return 0;
    // Checked after the read, before folding: bytes read past a truncate-and-regrow belong to
    // new content, and must not be folded as if they followed the old.
    if (!(await this.intact())) return 'replaced';
    const base = this.readPosition;
    const chunk = buffer.subarray(0, bytesRead);
    this.readPosition += bytesRead;
    this.lastGrowth = Date.now();
    const before = this.offset;
    this.framer.frame(chunk, visitor);
    if (base < HEAD_BYTES) this.headBytes = Buffer.concat([this.headBytes, chunk.subarray(0, HEAD_BYTES - base)]);
    const committed = this.offset;
    if (committed !== before) {
      // A line ended in this chunk, so the MARKER_BYTES before it are in the recent bytes + the chunk.
      const markerStart = committed - Math.min(MARKER_BYTES, committed);
      const marker =
        markerStart >= base
          ? chunk.subarray(markerStart - base, committed - base)
          : Buffer.concat([this.recent.subarray(this.recent.length - (base - markerStart)), chunk.subarray(0, committed - base)]);
      this.print = {
        headLength: Math.min(HEAD_BYTES, committed),
        head: hashBytes(this.headBytes.subarray(0, Math.min(HEAD_BYTES, committed))),
        marker: hashBytes(marker),
      };
    }
    this.recent =
      chunk.length >= MARKER_BYTES
        ? Buffer.from(chunk.subarray(chunk.length - MARKER_BYTES))
        : Buffer.concat([this.recent, chunk]).subarray(-MARKER_BYTES);
    return bytesRead;
  }

  /**
   * Whether a file whose first bytes are `prefix` could be a copy of this one still being
   * written: its bytes agree with this file's head as far as both go. Without the head's bytes
   * (an entry restored frozen) only the committed head's hash can be compared.
   */
  startsLike(prefix: Buffer): boolean {
    if (this.headBytes.length > 0) {
      const n = Math.min(prefix.length, this.headBytes.length);
      return prefix.subarray(0, n).equals(this.headBytes.subarray(0, n));
    }
    const n = this.print.headLength;
    return n > 0 && prefix.length >= n && hashBytes(prefix.subarray(0, n)) === this.print.head;
  }

  /**
   * Whether the file still holds, up to the committed offset, what was folded in. False after
   * a truncation, or when the content was replaced in place (truncated and regrown past the
   * offset between two polls).
   */
  async intact(): Promise<boolean> {
    if (this.handle === undefined) return false;
    const size = await this.size();
    if (size === undefined) return false;
    if (size < this.readPosition) return false;
    return stillHolds(this.handle, size, this.offset, this.print);
  }

  async freeze(reason: FrozenReason): Promise<void> {
    this.frozen = reason;
    this.frozenAt = Date.now();
    await this.close();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  state(): TailedFileState {
    return {
      name: this.name,
      path: this.path,
      ...(this.realPath === undefined ? {} : { realPath: this.realPath }),
      dev: this.dev,
      ino: this.ino,
      offset: this.offset,
      line: this.framer.nextLine,
      frozen: this.frozen,
      ...this.print,
      accumulator: this.accumulator.toJSON(),
      ...(this.accumulator.groups === undefined ? {} : { groups: this.accumulator.groups.toJSON() }),
    };
  }
}
