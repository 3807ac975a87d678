import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CorpusAccumulator, type AccumulatorOptions, type AccumulatorState } from '../aggregate/corpus-accumulator.js';
import type { GroupFiguresState } from '../aggregate/group-figures.js';
import { HEAD_BYTES, readRange, stillHolds } from './file-fingerprint.js';
import { GlobPattern } from './glob-pattern.js';
import { gzipMagic, gzipMagicOf } from './gzip-magic.js';
import { restoreFiles } from './restore-files.js';
import { restoreAccumulator, TailedFile, type TailedFileState } from './tailed-file.js';

export interface FollowedFilesOptions {
  patterns: string[];
  accumulator: Pick<AccumulatorOptions, 'segment' | 'sentinels' | 'vocabSize' | 'maxGroups'> & { keepSequences?: boolean };
  maxLineBytes: number;
  /** How long a new file that looks like a copy of a live one waits for the original to be truncated (copy-truncate). */
  copyGraceMs: number;
  /** How long a rotated file that no pattern matches any more is read after it stops growing. */
  releaseAfterMs: number;
  warn: (message: string) => void;
  /** A file's accumulator has finished, before it joins the retired one (its last sequences closed). */
  onFinished?: (accumulator: CorpusAccumulator) => void;
}

export interface FileStatus {
  file: string;
  offset: number;
  size: number | null;
  lag: number | null;
  tokens: number;
  records: number;
  bad_records: number;
  state: 'reading' | 'waiting' | 'frozen';
}

/** Files let go for good, folded into one accumulator so months of rotations stay small. */
export interface RetiredFiles {
  files: number;
  accumulator: AccumulatorState;
  /** Their figures per group, with --group-by. */
  groups?: GroupFiguresState;
}

/**
 * The daemon's file set: which files the patterns match and which of them is which across
 * rotation, truncation, deletion, copy-truncate and restarts (by device, inode and a fingerprint
 * of the content already counted). It opens, freezes and retires TailedFiles; reading and
 * folding their lines is the LogWatcher's.
 */
export class FollowedFiles {
  /** Files followed (or frozen and not yet retired), each with its own accumulator. */
  readonly files: TailedFile[] = [];
  /** What retired files counted, merged. */
  retired: CorpusAccumulator;
  retiredFiles = 0;
  /** Counts changes to which file is which (truncation, replacement, adoption): each must be committed at once. */
  changes = 0;
  /**
   * Truncations after which no copy of the file was found (see restartTruncated): lines written
   * between the last read and the truncation may be lost. Checkpointed, so cumulative.
   */
  truncatedWithoutCopy = 0;
  readonly patterns: GlobPattern[];
  /** New files not yet taken up, maybe copies being written: since when each has not grown, and its size then. */
  private readonly pending = new Map<string, { since: number; size: number }>();
  private readonly watchers: FSWatcher[] = [];
  /** Gzip files matched by the patterns and skipped, each warned about once (by path, device and inode). */
  private readonly skippedGzip = new Set<string>();
  /** Files found empty and not read yet (see decide). */
  private readonly undecided = new Set<TailedFile>();

  constructor(private readonly options: FollowedFilesOptions) {
    this.patterns = options.patterns.map((p) => new GlobPattern(p));
    this.retired = new CorpusAccumulator(options.accumulator);
  }

  /** Takes up the files of a checkpoint: each found again where it is now, or frozen. */
  async restoreFrom(states: TailedFileState[], retired: RetiredFiles | null): Promise<void> {
    if (retired !== null) {
      this.retired = restoreAccumulator(retired.accumulator, retired.groups, this.options.accumulator);
      this.retiredFiles = retired.files;
    }
    const files = await restoreFiles(states, this.patterns, this.options);
    this.files.push(...files);
    // One that nothing was read from may still be a copy being written when xent stopped.
    for (const f of files) if (f.frozen === null && f.offset === 0) this.undecided.add(f);
  }

  /** The retired files for a checkpoint (null when none). */
  retiredState(): RetiredFiles | null {
    if (this.retiredFiles === 0) return null;
    const groups = this.retired.groupsToJSON();
    return { files: this.retiredFiles, accumulator: this.retired.toJSON(), ...(groups === undefined ? {} : { groups }) };
  }

  async closeAll(): Promise<void> {
    for (const w of this.watchers) w.close();
    for (const f of this.files) await f.close();
  }

  /** Per-file figures and lag (bytes written but not yet folded). */
  async status(): Promise<FileStatus[]> {
    const out: FileStatus[] = [];
    for (const f of this.files) {
      const size = f.frozen === null ? ((await f.size()) ?? null) : null;
      out.push({
        file: f.path,
        offset: f.offset,
        size,
        lag: size === null ? null : Math.max(0, size - f.offset),
        tokens: f.accumulator.tokens,
        records: f.accumulator.records,
        bad_records: f.accumulator.badRecords,
        state: f.frozen !== null ? 'frozen' : f.isOpen ? 'reading' : 'waiting',
      });
    }
    return out;
  }

  /** Calls `wake` when something changes in the patterns' directories. */
  watchDirectories(wake: () => void): void {
    const dirs = new Set(this.patterns.map((p) => (p.isGlob ? p.base : dirname(p.base))));
    for (const dir of dirs) {
      try {
        // A hint only: inotify misses events on rotation, NFS and in containers; the stat poll is the truth.
        this.watchers.push(watch(dir, { persistent: false }, wake));
      } catch {
        // no fs.watch here: polling alone
      }
    }
  }

  private newAccumulator(): CorpusAccumulator {
    return new CorpusAccumulator(this.options.accumulator);
  }

  /** Finds new files, follows renames, and notices truncation, replacement and deletion. */
  async discover(skipExisting: boolean): Promise<void> {
    const seen = new Map<string, string>();
    for (const p of this.patterns) {
      for (const path of p.files()) {
        try {
          const info = await stat(path);
          seen.set(`${info.dev}:${info.ino}`, path);
        } catch {
          // vanished
        }
      }
    }
    // Known files: renamed? truncated? gone?
    for (const file of [...this.files]) {
      if (file.frozen !== null) continue;
      const key = `${file.dev}:${file.ino}`;
      const now = seen.get(key);
      if (now !== undefined) {
        if (file.path !== now) {
          file.path = now;
          file.realPath = await realpath(now).catch(() => file.realPath);
        }
        seen.delete(key);
      }
      if (!(await file.intact())) {
        await this.restartTruncated(file, now);
        continue;
      }
      if (now === undefined) {
        // Renamed out of the patterns or deleted: read to its end, let go once nothing about it has
        // changed for --release-after (a writer may still append through its old handle).
        const size = await file.noteChanges();
        if (size !== undefined && file.readPosition >= size && Date.now() - file.lastGrowth >= this.options.releaseAfterMs) {
          await file.freeze('released');
        }
      }
    }
    this.retire();
    // New files.
    for (const [, path] of seen) {
      const info = await stat(path).catch(() => undefined);
      if (info === undefined) continue;
      if (info.size === 0) {
        // Followed at once, by its inode (a symlink may be switched away from it before it is
        // written), but read only once it holds something to tell it by (see decide).
        const file = await TailedFile.open(path, { offset: 0, line: 1, accumulator: this.newAccumulator() }, this.options.maxLineBytes);
        if (file !== undefined) {
          this.files.push(file);
          this.undecided.add(file);
        }
        continue;
      }
      const gzip = await gzipMagic(path);
      if (gzip === 'unknown') continue;
      if (gzip === true) {
        this.skipGzip(path, info.dev, info.ino);
        continue;
      }
      const copyOf = await this.copySource(path, info.size);
      if (copyOf === 'wait') continue;
      if (copyOf !== undefined) {
        await this.adoptCopy(path, copyOf);
        continue;
      }
      const start = skipExisting ? lastLineEnd(path, info.size) : 0;
      const file = await TailedFile.open(path, { offset: await start, line: 1, accumulator: this.newAccumulator() }, this.options.maxLineBytes);
      if (file !== undefined) this.files.push(file);
    }
  }

  /**
   * Whether a file found empty may be read now. Until it holds something it is undecided: it may
   * be a copy being written (copy-truncate), taken up from the original's offset once it is
   * complete, or a gzip file, skipped.
   */
  async decide(file: TailedFile): Promise<boolean> {
    if (!this.undecided.has(file)) return true;
    const size = await file.size();
    const handle = file.openHandle;
    if (size === undefined || size === 0 || handle === undefined) return false;
    // Through its own handle: its path may be a symlink switched to another file since, or renamed.
    const gzip = await gzipMagicOf(handle);
    if (gzip === 'unknown') return false;
    if (gzip === true) {
      this.undecided.delete(file);
      this.files.splice(this.files.indexOf(file), 1);
      await file.close();
      this.skipGzip(file.path, file.dev, file.ino);
      return false;
    }
    const copyOf = await this.copySourceOf(handle, file.path, size, file);
    if (copyOf === 'wait') return false;
    this.undecided.delete(file);
    if (copyOf === undefined) return true;
    // The copy goes on from the original's offset: reopened where it is now.
    const path = file.realPath ?? file.path;
    this.files.splice(this.files.indexOf(file), 1);
    await file.close();
    await this.adoptCopy(path, copyOf);
    return false;
  }

  /** A copy of content already counted whose original was truncated (copy-truncate): it goes on from there. */
  private async adoptCopy(path: string, copyOf: TailedFile): Promise<void> {
    const at = { offset: copyOf.offset, line: copyOf.framer.nextLine, accumulator: copyOf.accumulator, name: copyOf.name };
    const file = await TailedFile.open(path, at, this.options.maxLineBytes);
    if (file === undefined) return;
    copyOf.frozen = 'adopted';
    this.changes++;
    this.files.splice(this.files.indexOf(copyOf), 1);
    this.files.push(file);
  }

  private skipGzip(path: string, dev: number, ino: number): void {
    const key = `${path}:${dev}:${ino}`;
    if (this.skippedGzip.has(key)) return;
    this.skippedGzip.add(key);
    this.options.warn(
      `${path}: a gzip file, skipped (xent watch follows text logs; a log compressed after rotation was read before it was compressed). ` +
        'Count an archive with xent report, or narrow the pattern to leave it out.',
    );
  }

  /**
   * Files that will never be read or continued again (let go, gone, or truncated long enough
   * ago that no copy of them can still turn up) end there: their open sequences close, as at the
   * end of a file in xent report, and their figures join one retired accumulator.
   */
  private retire(): void {
    const now = Date.now();
    const truncatedFor = Math.max(60_000, 10 * this.options.copyGraceMs);
    for (const file of [...this.files]) {
      const done =
        file.frozen === 'released' || file.frozen === 'gone' || (file.frozen === 'truncated' && now - file.frozenAt >= truncatedFor);
      if (!done) continue;
      file.accumulator.finish();
      this.options.onFinished?.(file.accumulator);
      this.retired.merge(file.accumulator);
      this.retiredFiles++;
      this.files.splice(this.files.indexOf(file), 1);
    }
  }

  /**
   * Whether a new file holds, up to some followed file's committed offset, exactly what was
   * counted from that file. If the original was truncated, the new file is its continuation;
   * if the original is still intact, it may be a copy about to be truncated (copy-truncate), so
   * it waits `copyGraceMs` before being read as a file of its own. A file shorter than that
   * offset whose bytes agree with a followed file's head may be such a copy still being written
   * (a big log, a slow disk): it waits as long as it grows, and `copyGraceMs` after.
   */
  private async copySource(path: string, size: number): Promise<TailedFile | 'wait' | undefined> {
    const handle = await open(path, 'r').catch(() => undefined);
    if (handle === undefined) return undefined;
    try {
      return await this.copySourceOf(handle, path, size);
    } finally {
      await handle.close();
    }
  }

  /**
   * copySource through an open handle; `path` only keys the wait, and `self` (a followed file
   * being decided) is not compared with itself. A followed file nothing was counted from yet is
   * compared by its current head: a copy of it made before it was read waits too, so that the
   * two are never both read from the start.
   */
  private async copySourceOf(handle: FileHandle, path: string, size: number, self?: TailedFile): Promise<TailedFile | 'wait' | undefined> {
    {
      let live = false;
      let prefix: Buffer | undefined;
      for (const f of this.files) {
        if (f === self || (f.frozen !== null && f.frozen !== 'truncated')) continue;
        if (f.offset === 0) {
          const theirs = f.frozen === null && f.openHandle !== undefined ? await readRange(f.openHandle, 0, HEAD_BYTES) : Buffer.alloc(0);
          prefix ??= await readRange(handle, 0, Math.min(size, HEAD_BYTES));
          const n = Math.min(prefix.length, theirs.length);
          if (n > 0 && prefix.subarray(0, n).equals(theirs.subarray(0, n))) live = true;
          continue;
        }
        if (size < f.offset) {
          prefix ??= await readRange(handle, 0, Math.min(size, HEAD_BYTES));
          if (f.startsLike(prefix)) live = true;
          continue;
        }
        if (!(await stillHolds(handle, size, f.offset, f.print))) continue;
        if (f.frozen === 'truncated') return f;
        live = true;
      }
      if (!live) {
        this.pending.delete(path);
        return undefined;
      }
      const now = Date.now();
      const seen = this.pending.get(path);
      const since = seen === undefined || size !== seen.size ? now : seen.since;
      this.pending.set(path, { since, size });
      if (now - since < this.options.copyGraceMs) return 'wait';
      this.pending.delete(path);
      return undefined;
    }
  }

  /**
   * Truncated (copy-truncate, or truncated and regrown): what was counted stays counted. If a
   * file beside it holds exactly what was counted up to the committed offset (the copy of a
   * copy-truncate, whether the patterns match it or not), that copy carries on from the offset,
   * so lines written after the last read and before the truncation are still read; otherwise
   * the old content is frozen, with a warning when lines may have been lost. The file itself is
   * followed again from its start.
   */
  async restartTruncated(file: TailedFile, path: string | undefined = file.path): Promise<void> {
    const copy = await this.findCopy(file);
    await file.freeze(copy === undefined ? 'truncated' : 'adopted');
    this.changes++;
    if (copy !== undefined) {
      this.files.splice(this.files.indexOf(file), 1);
      this.files.push(copy);
    } else if (file.offset > 0) {
      this.truncatedWithoutCopy++;
      this.options.warn(
        `${file.path} was truncated and no copy of it was found beside it: lines written after byte ${file.offset} ` +
          'before the truncation, if any, are lost. With copytruncate, keep the copy in the same directory.',
      );
    }
    if (path === undefined) return;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || info.dev !== file.dev || info.ino !== file.ino) return;
    const fresh = await TailedFile.open(path, { offset: 0, line: 1, accumulator: this.newAccumulator() }, this.options.maxLineBytes);
    if (fresh !== undefined) this.files.push(fresh);
  }

  /** A file beside `file`, followed by nobody, that holds what was counted from `file` up to its committed offset. */
  private async findCopy(file: TailedFile): Promise<TailedFile | undefined> {
    if (file.offset === 0) return undefined;
    const dir = dirname(file.path);
    const names = await readdir(dir).catch(() => [] as string[]);
    // A followed file still undecided (see decide) may be that copy; one already read is not.
    const followed = new Map(this.files.map((f) => [`${f.dev}:${f.ino}`, f]));
    for (const name of names) {
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile() || info.size < file.offset) continue;
      const known = followed.get(`${info.dev}:${info.ino}`);
      if (known !== undefined && (known === file || !this.undecided.has(known))) continue;
      const handle = await open(path, 'r').catch(() => undefined);
      if (handle === undefined) continue;
      const same = await stillHolds(handle, info.size, file.offset, file.print).finally(() => handle.close());
      if (!same) continue;
      const at = { offset: file.offset, line: file.framer.nextLine, accumulator: file.accumulator, name: file.name };
      const copy = await TailedFile.open(path, at, this.options.maxLineBytes);
      if (copy === undefined) continue;
      if (known !== undefined) {
        this.undecided.delete(known);
        this.files.splice(this.files.indexOf(known), 1);
        await known.close();
      }
      return copy;
    }
    return undefined;
  }
}

/** With --from-end: start after the last complete line, so a partial line is still read whole. */
async function lastLineEnd(path: string, size: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const chunk = 64 * 1024;
    for (let end = size; end > 0; end -= chunk) {
      const start = Math.max(0, end - chunk);
      const buffer = Buffer.alloc(end - start);
      await handle.read(buffer, 0, buffer.length, start);
      const nl = buffer.lastIndexOf(0x0a);
      if (nl !== -1) return start + nl + 1;
    }
    return 0;
  } finally {
    await handle.close();
  }
}
