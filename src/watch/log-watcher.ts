import { watch, type FSWatcher } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CorpusAccumulator, type AccumulatorOptions, type AccumulatorState, type BadRecord, type CorpusMetrics, type SequenceFigures } from '../aggregate/corpus-accumulator.js';
import { Evaluation } from '../aggregate/evaluation.js';
import { TokenWindow, type WindowMetrics } from '../aggregate/token-window.js';
import type { FormatAdapter } from '../formats/adapter.js';
import { toJson } from '../reports/json-report.js';
import { buildReport, type Report } from '../reports/report.js';
import { decodeLine } from '../streams/line-decoder.js';
import type { FramedItem } from '../streams/line-framer.js';
import { scoreRecord } from '../streams/record-scorer.js';
import type { DecodedRecord } from '../streams/record-types.js';
import { AppendLog } from './append-log.js';
import { CheckpointStore, StateLock, type CheckpointFault } from './checkpoint-store.js';
import { stillHolds } from './file-fingerprint.js';
import { GlobPattern } from './glob-pattern.js';
import { TailedFile, type TailedFileState } from './tailed-file.js';

export interface LogWatcherOptions {
  patterns: string[];
  /** State directory for checkpoints; without it nothing survives a restart. */
  stateDir?: string;
  /** Skip what the files hold at the first start (no checkpoint yet). */
  fromEnd: boolean;
  /** Rolling report period, ms. */
  intervalMs: number;
  /** Stat-poll period, ms (fs.watch events only wake the poll early). */
  pollMs: number;
  /** Checkpoint period, ms. */
  checkpointMs: number;
  /** Tokens in the rolling window. */
  window: number;
  /** How long a new file that looks like a copy of a live one waits for the original to be truncated (copy-truncate). */
  copyGraceMs: number;
  /** How long a rotated file that no pattern matches any more is read after it stops growing. */
  releaseAfterMs: number;
  /** Bytes read from one file per turn: bounds memory however fast files grow. */
  readBudget: number;
  maxLineBytes: number;
  adapter?: FormatAdapter;
  /** keepSequences hands every finished sequence to `observer` (the list is drained as it goes). */
  accumulator: Pick<AccumulatorOptions, 'segment' | 'sentinels' | 'vocabSize'> & { keepSequences?: boolean };
  /** Where NDJSON reports go: a path (appended, length checkpointed) or a writer (stdout). */
  out: string | ((line: string) => void);
  deadLetter?: string;
  warn: (message: string) => void;
  /** Called with each rolling report (the metrics endpoint reads them). */
  onRolling?: (report: RollingWatchReport) => void;
  /** Sees what is folded; its state is committed with the checkpoint, so its counters survive restarts. */
  observer?: WatchObserver;
  /** For tests: fail a checkpoint write at a given point. */
  checkpointFault?: (point: CheckpointFault) => void;
}

interface CheckpointPayload {
  version: 1;
  files: TailedFileState[];
  /** Files let go for good, folded into one accumulator so months of rotations stay small. */
  retired: { files: number; accumulator: AccumulatorState } | null;
  outputs: { out: number | null; deadLetter: number | null };
  observer?: unknown;
}

export interface WatchObserver {
  /** A complete line was folded: `bytes` with its newline. */
  lineRead(bytes: number): void;
  badRecord(bad: BadRecord): void;
  sequence(figures: SequenceFigures): void;
  checkpointed(at: number, durationMs: number): void;
  toJSON(): unknown;
  restore(state: unknown): void;
}

export interface RollingWatchReport {
  type: 'rolling';
  corpus: CorpusMetrics;
  window: WindowMetrics;
  files: FileStatus[];
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

/**
 * `xent watch`: follows growing files and folds every complete line exactly once, across
 * rotation, truncation, deletion and restarts. One loop: discover (glob + stat: the truth;
 * fs.watch only wakes it early), read a bounded chunk from each file, fold complete lines,
 * and now and then emit a rolling report and commit a checkpoint that holds — together — every
 * file's identity and committed offset, every accumulator, and the lengths of xent's own
 * outputs.
 */
export class LogWatcher {
  private readonly files: TailedFile[] = [];
  private retired: CorpusAccumulator;
  private retiredFiles = 0;
  private readonly pending = new Map<string, number>();
  private readonly patterns: GlobPattern[];
  private readonly window: TokenWindow;
  private readonly store: CheckpointStore<CheckpointPayload> | undefined;
  private readonly lock: StateLock | undefined;
  private outLog: AppendLog | undefined;
  private deadLog: AppendLog | undefined;
  private stopping = false;
  private aborted = false;
  private wake: (() => void) | undefined;
  private watchers: FSWatcher[] = [];
  private readonly decoded: DecodedRecord[] = [];

  constructor(private readonly options: LogWatcherOptions) {
    this.patterns = options.patterns.map((p) => new GlobPattern(p));
    this.retired = new CorpusAccumulator(options.accumulator);
    this.window = new TokenWindow(options.window, options.accumulator.sentinels === 'exclude');
    if (options.stateDir !== undefined) {
      this.lock = new StateLock(options.stateDir);
      this.store = new CheckpointStore<CheckpointPayload>(options.stateDir, options.checkpointFault);
    }
  }

  /** Runs until stop() or abort(); resolves with the final report (undefined after abort). */
  async run(): Promise<Report | undefined> {
    this.lock?.acquire();
    try {
      const restored = this.store?.load(this.options.warn);
      this.openOutputs(restored?.outputs);
      if (restored !== undefined) {
        if (restored.retired !== null) {
          this.retired = CorpusAccumulator.fromJSON(restored.retired.accumulator, this.options.accumulator);
          this.retiredFiles = restored.retired.files;
        }
        await this.restore(restored.files);
        if (restored.observer !== undefined) this.options.observer?.restore(restored.observer);
      }
      await this.discover(restored === undefined && this.options.fromEnd);
      // Commit at once: the outputs' lengths as found, so a crash before the next commit cuts
      // back exactly what this run wrote.
      await this.checkpoint();
      // The restored totals are served at once, not one interval later.
      this.options.onRolling?.(await this.rolling());
      this.watchDirectories();
      let lastRolling = Date.now();
      let lastCheckpoint = Date.now();
      let lastPoll = Date.now();
      while (!this.stopping && !this.aborted) {
        const busy = await this.readTurn();
        const now = Date.now();
        if (now - lastPoll >= this.options.pollMs) {
          await this.discover(false);
          lastPoll = now;
        }
        if (now - lastRolling >= this.options.intervalMs) {
          const rolling = await this.rolling();
          this.emit(rolling);
          this.options.onRolling?.(rolling);
          lastRolling = now;
        }
        if (now - lastCheckpoint >= this.options.checkpointMs) {
          await this.checkpoint();
          lastCheckpoint = now;
        }
        if (!busy && !this.stopping && !this.aborted) await this.sleep(Math.min(this.options.pollMs, this.options.intervalMs));
      }
      if (this.aborted) return undefined;
      // Graceful stop: fold what was read and commit; then the final report, committed too, so
      // that a restart keeps it and appends after it.
      await this.checkpoint();
      const report = this.finalReport();
      this.emit(report);
      await this.checkpoint();
      return report;
    } finally {
      for (const w of this.watchers) w.close();
      for (const f of this.files) await f.close();
      this.outLog?.close();
      this.deadLog?.close();
      this.lock?.release();
    }
  }

  /** Graceful: stop reading, commit, write the final report. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** As if killed: no commit, no final report (tests use it to simulate kill -9 in-process). */
  abort(): void {
    this.aborted = true;
    this.wake?.();
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

  /** Everything folded in so far, merged. */
  corpus(): CorpusAccumulator {
    const total = new CorpusAccumulator(this.options.accumulator);
    total.merge(this.retired);
    for (const f of this.files) total.merge(f.accumulator);
    return total;
  }

  async rolling(): Promise<RollingWatchReport> {
    return { type: 'rolling', corpus: this.corpus().snapshot().corpus, window: this.window.metrics(), files: await this.status() };
  }

  /** The same content as `xent report --json` over what was folded: each file's open sequences end with it. */
  finalReport(): Report {
    // keepSequences only feeds the observer: the report lists no sequences, as xent report without --per-sequence.
    const evaluation = new Evaluation({ ...this.options.accumulator, keepSequences: false });
    if (this.retiredFiles > 0) evaluation.adopt(`(${this.retiredFiles} rotated files let go earlier)`, this.retired);
    for (const f of this.files) {
      const copy = CorpusAccumulator.fromJSON(f.accumulator.toJSON(), this.options.accumulator);
      const index = evaluation.adopt(f.path, copy);
      evaluation.finishFile(index);
    }
    return buildReport(evaluation);
  }

  private openOutputs(committed: CheckpointPayload['outputs'] | undefined): void {
    if (typeof this.options.out === 'string') this.outLog = new AppendLog(this.options.out, committed?.out ?? undefined);
    if (this.options.deadLetter !== undefined) this.deadLog = new AppendLog(this.options.deadLetter, committed?.deadLetter ?? undefined);
  }

  private emit(value: unknown): void {
    const line = `${toJson(value)}\n`;
    if (this.outLog !== undefined) this.outLog.write(line);
    else if (typeof this.options.out === 'function') this.options.out(line);
  }

  private async restore(states: TailedFileState[]): Promise<void> {
    for (const state of states) {
      const accumulator = CorpusAccumulator.fromJSON(state.accumulator, this.options.accumulator);
      if (state.frozen !== null) {
        this.files.push(TailedFile.frozenFrom(state, this.options.accumulator));
        continue;
      }
      // Where is that file now? Its path, or — renamed while we were stopped — any file with its
      // device and inode in the patterns or beside its old path.
      const found = await this.locate(state);
      if (found === undefined) {
        this.options.warn(`${state.path}: gone while xent was stopped; its lines after offset ${state.offset} could not be read`);
        this.files.push(TailedFile.frozenFrom({ ...state, frozen: 'gone' }, this.options.accumulator));
        continue;
      }
      const file = await TailedFile.open(found, { offset: state.offset, line: state.line, accumulator, name: state.name }, this.options.maxLineBytes);
      const print = { headLength: state.headLength, head: state.head, marker: state.marker };
      if (file === undefined) {
        this.files.push(TailedFile.frozenFrom({ ...state, frozen: 'gone' }, this.options.accumulator));
        continue;
      }
      file.print = print;
      if (await file.intact()) {
        this.files.push(file);
      } else {
        // Truncated or replaced while stopped: what was counted stays counted; the file starts over.
        await file.close();
        this.files.push(TailedFile.frozenFrom({ ...state, frozen: 'truncated' }, this.options.accumulator));
        const fresh = await TailedFile.open(found, { offset: 0, line: 1, accumulator: this.newAccumulator() }, this.options.maxLineBytes);
        if (fresh !== undefined) this.files.push(fresh);
      }
    }
  }

  private async locate(state: TailedFileState): Promise<string | undefined> {
    const candidates = new Set<string>([state.path]);
    for (const p of this.patterns) for (const f of p.files()) candidates.add(f);
    try {
      for (const name of await readdir(dirname(state.path))) candidates.add(join(dirname(state.path), name));
    } catch {
      // its directory is gone too
    }
    for (const path of candidates) {
      try {
        const info = await stat(path);
        if (info.isFile() && info.dev === state.dev && info.ino === state.ino) return path;
      } catch {
        // vanished between listing and stat
      }
    }
    return undefined;
  }

  private newAccumulator(): CorpusAccumulator {
    return new CorpusAccumulator(this.options.accumulator);
  }

  /** Finds new files, follows renames, and notices truncation, replacement and deletion. */
  private async discover(skipExisting: boolean): Promise<void> {
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
        file.path = now;
        seen.delete(key);
      }
      if (!(await file.intact())) {
        await this.restartTruncated(file, now);
        continue;
      }
      if (now === undefined) {
        // Renamed out of the patterns or deleted: read to its end, let go once it stops growing.
        const size = await file.size();
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
      const copyOf = await this.copySource(path, info.size);
      if (copyOf === 'wait') continue;
      if (copyOf !== undefined) {
        // A copy of content already counted whose original was truncated (copy-truncate): go on from there.
        const file = await TailedFile.open(
          path,
          { offset: copyOf.offset, line: copyOf.framer.nextLine, accumulator: copyOf.accumulator, name: copyOf.name },
          this.options.maxLineBytes,
        );
        if (file === undefined) continue;
        copyOf.frozen = 'adopted';
        this.files.splice(this.files.indexOf(copyOf), 1);
        this.files.push(file);
        continue;
      }
      const start = skipExisting ? lastLineEnd(path, info.size) : 0;
      const file = await TailedFile.open(path, { offset: await start, line: 1, accumulator: this.newAccumulator() }, this.options.maxLineBytes);
      if (file !== undefined) this.files.push(file);
    }
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
      this.drainSequences(file.accumulator);
      this.retired.merge(file.accumulator);
      this.retiredFiles++;
      this.files.splice(this.files.indexOf(file), 1);
    }
  }

  /**
   * Whether a new file holds, up to some followed file's committed offset, exactly what was
   * counted from that file. If the original was truncated, the new file is its continuation;
   * if the original is still intact, it may be a copy about to be truncated (copy-truncate), so
   * it waits `copyGraceMs` before being read as a file of its own.
   */
  private async copySource(path: string, size: number): Promise<TailedFile | 'wait' | undefined> {
    const handle = await open(path, 'r').catch(() => undefined);
    if (handle === undefined) return undefined;
    try {
      let live = false;
      for (const f of this.files) {
        if (f.offset === 0 || (f.frozen !== null && f.frozen !== 'truncated')) continue;
        if (!(await stillHolds(handle, size, f.offset, f.print))) continue;
        if (f.frozen === 'truncated') return f;
        live = true;
      }
      if (!live) {
        this.pending.delete(path);
        return undefined;
      }
      const since = this.pending.get(path) ?? Date.now();
      this.pending.set(path, since);
      if (Date.now() - since < this.options.copyGraceMs) return 'wait';
      this.pending.delete(path);
      return undefined;
    } finally {
      await handle.close();
    }
  }

  /**
   * Truncated (copy-truncate, or truncated and regrown): what was counted stays counted, frozen
   * with this file's old content, and the file is followed again from its start.
   */
  private async restartTruncated(file: TailedFile, path: string | undefined = file.path): Promise<void> {
    await file.freeze('truncated');
    if (path === undefined) return;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || info.dev !== file.dev || info.ino !== file.ino) return;
    const fresh = await TailedFile.open(path, { offset: 0, line: 1, accumulator: this.newAccumulator() }, this.options.maxLineBytes);
    if (fresh !== undefined) this.files.push(fresh);
  }

  /** One bounded read from every open file; true when some file may have more right now. */
  private async readTurn(): Promise<boolean> {
    let busy = false;
    for (const file of this.files) {
      if (file.frozen !== null || this.aborted) continue;
      const bytes = await file.readSome(this.options.readBudget, (item) => this.fold(file, item));
      if (bytes === 'replaced') {
        await this.restartTruncated(file);
        busy = true;
      } else if (bytes === this.options.readBudget) busy = true;
    }
    return busy;
  }

  private fold(file: TailedFile, item: FramedItem): void {
    this.options.observer?.lineRead(item.end - item.offset);
    decodeLine(item, file.path, this.decoded);
    for (const record of this.decoded) {
      const outcome = record.kind === 'record' ? scoreRecord(record, this.options.adapter) : record;
      if (outcome.kind === 'bad') {
        file.accumulator.addBadRecord(outcome.bad);
        this.options.observer?.badRecord(outcome.bad);
        this.deadLog?.write(
          `${toJson({ file: outcome.bad.file, line: outcome.bad.line, element: outcome.bad.element, offset: outcome.bad.offset, code: outcome.bad.code, reason: outcome.bad.reason, raw: outcome.raw })}\n`,
        );
        continue;
      }
      file.accumulator.add(outcome.items, outcome.origin, outcome.format);
      const segment = this.options.accumulator.segment;
      for (const batch of outcome.items) {
        if (batch.kind === 'tokens' && (segment === 'all' || batch.segment === segment)) this.window.add(batch);
      }
    }
    this.decoded.length = 0;
    this.drainSequences(file.accumulator);
  }

  private drainSequences(accumulator: CorpusAccumulator): void {
    if (accumulator.finished.length === 0) return;
    for (const s of accumulator.finished) this.options.observer?.sequence(s);
    accumulator.finished.length = 0;
  }

  /** Commits offsets, accumulators and output lengths together, atomically. */
  async checkpoint(): Promise<void> {
    if (this.store === undefined) {
      this.outLog?.flush();
      this.deadLog?.flush();
      return;
    }
    const payload: CheckpointPayload = {
      version: 1,
      files: this.files.map((f) => f.state()),
      retired: this.retiredFiles > 0 ? { files: this.retiredFiles, accumulator: this.retired.toJSON() } : null,
      outputs: { out: this.outLog?.commit() ?? null, deadLetter: this.deadLog?.commit() ?? null },
    };
    if (this.options.observer !== undefined) payload.observer = this.options.observer.toJSON();
    try {
      const started = performance.now();
      this.store.save(payload);
      this.options.observer?.checkpointed(Date.now(), performance.now() - started);
    } catch (error) {
      // A full disk must not lose the previous checkpoint (it is untouched) nor stop the daemon: retry next time.
      this.options.warn(`checkpoint not written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the previous one stays valid, retrying`);
    }
  }

  private watchDirectories(): void {
    const dirs = new Set(this.patterns.map((p) => (p.isGlob ? p.base : dirname(p.base))));
    for (const dir of dirs) {
      try {
        // A hint only: inotify misses events on rotation, NFS and in containers; the stat poll is the truth.
        this.watchers.push(watch(dir, { persistent: false }, () => this.wake?.()));
      } catch {
        // no fs.watch here: polling alone
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
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
