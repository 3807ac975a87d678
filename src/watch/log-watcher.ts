import { CorpusAccumulator, type AccumulatorOptions, type BadRecord, type CorpusMetrics, type SequenceFigures } from '../aggregate/corpus-accumulator.js';
import { Evaluation } from '../aggregate/evaluation.js';
import type { TokenWindowState, WindowMetrics } from '../aggregate/token-window.js';
import type { FormatAdapter } from '../formats/adapter.js';
import { deadLetterLine } from '../formats/dead-letter.js';
import { toJson } from '../reports/json-report.js';
import { buildReport, groupReports, type GroupReport, type Report } from '../reports/report.js';
import { TaggingAdapter } from '../audit/tagging-adapter.js';
import type { FramedItem, LineVisitor } from '../records/line-framer.js';
import { FastRecordScanner } from '../fast/fast-record-scanner.js';
import type { ScoredRecord } from '../formats/record-outcome.js';
import { fastPathFor, type FastPathUse } from '../records/fast-path-use.js';
import { scoreFramed } from '../records/score-framed.js';
import { CheckpointStore, type CheckpointFault } from './checkpoint-store.js';
import { DaemonOutputs, type CommittedOutputs } from './daemon-outputs.js';
import { FollowedFiles, type FileStatus, type RetiredFiles } from './followed-files.js';
import { StateLock } from './state-lock.js';
import { restoreAccumulator, type TailedFile, type TailedFileState } from './tailed-file.js';

/** A file that is behind is read in chunks of up to 8 × --read budget (1 MiB in the CLI: 8 MiB). */
const MAX_READ_GROWTH = 8;

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
  /**
   * `--group-by`: the dotted path whose value groups the figures (with accumulator.maxGroups). The
   * value is in the parsed record, so grouped lines take the full parser, not the fast path.
   */
  groupBy?: readonly string[];
  /** keepSequences hands every finished sequence to `observer` (the list is drained as it goes). */
  accumulator: Pick<AccumulatorOptions, 'segment' | 'sentinels' | 'vocabSize' | 'maxGroups'> & { keepSequences?: boolean };
  /** Where NDJSON reports go: a path (appended, length checkpointed) or a writer (stdout). */
  out: string | ((line: string) => void);
  deadLetter?: string;
  warn: (message: string) => void;
  /** Called with each rolling report (the metrics endpoint reads them). */
  onRolling?: (report: RollingWatchReport) => void;
  /** Sees what is folded; its state is committed with the checkpoint, so its counters survive restarts. */
  observer?: WatchObserver;
  /** Called after each checkpoint commits, with what it holds (`--publish` sends it to a fleet bucket). */
  onCommit?: (committed: { files: readonly TailedFileState[]; retired: RetiredFiles | null }) => void;
  /** For tests: fail a checkpoint write at a given point. */
  checkpointFault?: (point: CheckpointFault) => void;
}

interface CheckpointPayload {
  version: 1;
  files: TailedFileState[];
  retired: RetiredFiles | null;
  outputs: CommittedOutputs;
  /** See FollowedFiles.truncatedWithoutCopy (absent in older checkpoints). */
  truncatedWithoutCopy?: number;
  /** The rolling window (bounded by --window), so dashboards do not jump after a restart (absent in older checkpoints). */
  window?: TokenWindowState;
  observer?: unknown;
  /** The --group-by path the groups were counted by (absent: none, or an older checkpoint). */
  groupBy?: string;
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

export type { FileStatus } from './followed-files.js';

export interface RollingWatchReport {
  type: 'rolling';
  corpus: CorpusMetrics;
  window: WindowMetrics;
  files: FileStatus[];
  /** Truncations after which no copy of the file was found: lines may have been lost (cumulative). */
  truncated_without_copy: number;
  /** With --group-by: each group's figures over everything folded in. */
  groups?: GroupReport[];
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
  /** Which files are followed, and which is which (see FollowedFiles). */
  private readonly followed: FollowedFiles;
  /** Folds every record: figures into the file's accumulator, the rolling window, dead letters. */
  private readonly evaluation: Evaluation;
  private readonly store: CheckpointStore<CheckpointPayload> | undefined;
  private readonly lock: StateLock | undefined;
  private readonly outputs: DaemonOutputs;
  /** Lines folded since the last commit: committed as soon as the files are caught up. */
  private uncommitted = false;
  /** FollowedFiles.changes at the last commit. */
  private committedChanges = 0;
  private lastCheckpoint = 0;
  private stopping = false;
  private aborted = false;
  private wake: (() => void) | undefined;
  /** Each file's next read size (see readTurn). */
  private readonly budgets = new WeakMap<TailedFile, number>();
  /** The fast path, as for xent report: lines it reads are scored from their bytes, the others take scoreFramed. */
  private readonly scanner: FastRecordScanner | undefined;
  private readonly accepts: FastPathUse['accepts'];
  /** The adapter records are decoded with: the chosen one, or, with --group-by, one that also reads the group. */
  private readonly adapter: FormatAdapter | undefined;
  private readonly tagging: TaggingAdapter | undefined;

  constructor(private readonly options: LogWatcherOptions) {
    this.followed = new FollowedFiles({ ...options, onFinished: (accumulator) => this.drainSequences(accumulator) });
    this.outputs = new DaemonOutputs(options);
    if (options.groupBy !== undefined) this.tagging = new TaggingAdapter({ groupBy: options.groupBy, ...(options.adapter === undefined ? {} : { forced: options.adapter }) });
    this.adapter = this.tagging ?? options.adapter;
    const fast = fastPathFor(this.adapter);
    this.scanner = fast === undefined ? undefined : new FastRecordScanner(fast.shapes, fast.listing);
    this.accepts = fast?.accepts;
    this.evaluation = new Evaluation(
      { ...options.accumulator, window: options.window },
      {
        onBadRecord: (bad, raw) => {
          this.options.observer?.badRecord(bad);
          this.outputs.deadLetter(deadLetterLine(bad, raw));
        },
      },
    );
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
      this.outputs.open(restored?.outputs);
      if (restored !== undefined) {
        this.regroup(restored);
        await this.followed.restoreFrom(restored.files, restored.retired);
        this.followed.truncatedWithoutCopy = restored.truncatedWithoutCopy ?? 0;
        if (restored.observer !== undefined) this.options.observer?.restore(restored.observer);
        if (restored.window !== undefined) this.evaluation.restoreWindow(restored.window);
      }
      await this.followed.discover(restored === undefined && this.options.fromEnd);
      // Commit at once: the outputs' lengths as found, so a crash before the next commit cuts
      // back exactly what this run wrote.
      await this.checkpoint();
      // The restored totals are served at once, not one interval later.
      this.options.onRolling?.(await this.rolling());
      this.followed.watchDirectories(() => this.wake?.());
      let lastRolling = Date.now();
      let lastPoll = Date.now();
      while (!this.stopping && !this.aborted) {
        const busy = await this.readTurn();
        const now = Date.now();
        if (now - lastPoll >= this.options.pollMs) {
          await this.followed.discover(false);
          lastPoll = now;
          // A file truncated, replaced or adopted: commit what its old content contributed before
          // anything of the new content is read, so no crash can leave it only in memory.
          if (this.followed.changes !== this.committedChanges) await this.checkpoint();
        }
        if (now - lastRolling >= this.options.intervalMs) {
          const rolling = await this.rolling();
          this.emit(rolling);
          this.options.onRolling?.(rolling);
          lastRolling = now;
        }
        // Periodically, and as soon as every file is caught up: a file can be truncated or replaced
        // at any moment after it was read, and what was read from it must then already be committed.
        const idleCommit = !busy && this.uncommitted && now - this.lastCheckpoint >= Math.min(this.options.pollMs, this.options.checkpointMs);
        if (idleCommit || now - this.lastCheckpoint >= this.options.checkpointMs) await this.checkpoint();
        if (!busy && !this.stopping && !this.aborted) await this.sleep(Math.min(this.options.pollMs, this.options.intervalMs));
      }
      if (this.aborted) return undefined;
      // Graceful stop: fold what was read and commit; then the final report, committed too, so
      // that a restart keeps it and appends after it.
      await this.checkpoint();
      const report = this.finalReport();
      this.emit(report);
      await this.checkpoint();
      await this.outputs.drain(() => this.checkpoint());
      return report;
    } finally {
      await this.followed.closeAll();
      this.outputs.close();
      this.lock?.release();
    }
  }

  /**
   * Groups counted by another --group-by than this run's (or none) cannot go on: they are dropped,
   * with a warning, and this run's groups count from here (the corpus figures are untouched).
   */
  private regroup(restored: CheckpointPayload): void {
    const now = this.options.groupBy?.join('.');
    if (restored.groupBy === now) return;
    const had = restored.groupBy !== undefined && (restored.files.some((f) => f.groups !== undefined) || restored.retired?.groups !== undefined);
    if (now !== undefined || had) {
      this.options.warn(
        restored.groupBy === undefined
          ? `the checkpoint has no figures by ${now}: groups count what is read from now on, so they add up to less than the corpus`
          : now === undefined
            ? `the checkpoint's figures by ${restored.groupBy} are dropped (no --group-by now)`
            : `the checkpoint's figures by ${restored.groupBy} are dropped: groups now count by ${now}, from here on`,
      );
    }
    for (const f of restored.files) delete f.groups;
    if (restored.retired !== null) delete restored.retired.groups;
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

  /** Whether lines were folded since the last commit (they are committed once the files are caught up). */
  get hasUncommitted(): boolean {
    return this.uncommitted;
  }

  /** Per-file figures and lag (bytes written but not yet folded). */
  status(): Promise<FileStatus[]> {
    return this.followed.status();
  }

  /** Everything folded in so far, merged. */
  corpus(): CorpusAccumulator {
    const total = new CorpusAccumulator(this.options.accumulator);
    total.merge(this.followed.retired);
    for (const f of this.followed.files) total.merge(f.accumulator);
    return total;
  }

  async rolling(): Promise<RollingWatchReport> {
    // The daemon's evaluation always has a window (options.window).
    const window = this.evaluation.windowMetrics() as WindowMetrics;
    const corpus = this.corpus();
    const rolling: RollingWatchReport = {
      type: 'rolling',
      corpus: corpus.snapshot().corpus,
      window,
      files: await this.status(),
      truncated_without_copy: this.followed.truncatedWithoutCopy,
    };
    const groups = groupReports(corpus);
    if (groups !== undefined) rolling.groups = groups;
    return rolling;
  }

  /** The same content as `xent report --json` over what was folded: each file's open sequences end with it. */
  finalReport(): Report {
    // keepSequences only feeds the observer: the report lists no sequences, as xent report without --per-sequence.
    const evaluation = new Evaluation({ ...this.options.accumulator, keepSequences: false });
    const { retired, retiredFiles } = this.followed;
    if (retiredFiles > 0) evaluation.adopt(`(${retiredFiles} rotated files let go earlier)`, retired);
    for (const f of this.followed.files) {
      const copy = restoreAccumulator(f.accumulator.toJSON(), f.accumulator.groupsToJSON(), this.options.accumulator);
      const index = evaluation.adopt(f.path, copy);
      evaluation.finishFile(index);
    }
    return buildReport(evaluation);
  }

  private emit(value: unknown): void {
    this.lock?.assertHeld();
    this.outputs.report(`${toJson(value)}\n`);
  }

  /** One bounded read from every open file; true when some file may have more right now. */
  private async readTurn(): Promise<boolean> {
    let busy = false;
    for (const file of [...this.followed.files]) {
      if (file.frozen !== null || this.aborted || !this.followed.files.includes(file)) continue;
      if (!(await this.followed.decide(file))) continue;
      // While a file is behind, each full read doubles its next one, up to MAX_READ_GROWTH × the
      // budget (bigger reads: fewer syscalls and checks per byte); a short read means caught up.
      const budget = this.budgets.get(file) ?? this.options.readBudget;
      const bytes = await file.readSome(budget, this.visitor(file));
      this.budgets.set(file, bytes === budget ? Math.min(budget * 2, this.options.readBudget * MAX_READ_GROWTH) : this.options.readBudget);
      if (bytes === 'replaced') {
        await this.followed.restartTruncated(file);
        // Before the new content is read (see run).
        await this.checkpoint();
        busy = true;
      } else if (bytes === budget) busy = true;
      if (typeof bytes === 'number' && bytes > 0) this.uncommitted = true;
    }
    return busy;
  }

  /** Folds a file's framed lines into its accumulator: by the fast path where it can, as `xent report` does. */
  private visitor(file: TailedFile): LineVisitor {
    return {
      line: (buf, start, end, line, offset, next, terminated) => {
        const scored = this.scanner?.scan(buf, start, end, file.path, line, offset);
        if (scored !== undefined && (this.accepts === undefined || this.accepts(scored, buf, start, end))) {
          if (this.tagging !== undefined) scored.group = this.tagging.tagsOf(scored.items).group ?? null;
          this.options.observer?.lineRead(next - offset);
          this.evaluation.fold(file.accumulator, scored);
          this.drainSequences(file.accumulator);
        } else this.fold(file, { kind: 'line', text: buf.toString('utf8', start, end), line, offset, end: next, terminated });
      },
      overlong: (item) => this.fold(file, item),
    };
  }

  private fold(file: TailedFile, item: FramedItem): void {
    this.options.observer?.lineRead(item.end - item.offset);
    const tagging = this.tagging;
    scoreFramed(item, file.path, this.adapter, (outcome) => {
      if (tagging !== undefined && outcome.kind === 'scored') outcome.group = tagging.tagsOf(outcome.items).group ?? null;
      this.evaluation.fold(file.accumulator, outcome);
    });
    this.drainSequences(file.accumulator);
  }

  private drainSequences(accumulator: CorpusAccumulator): void {
    if (accumulator.finished.length === 0) return;
    for (const s of accumulator.finished) this.options.observer?.sequence(s);
    accumulator.finished.length = 0;
  }

  /** Commits offsets, accumulators and output lengths together, atomically. */
  async checkpoint(): Promise<void> {
    this.lock?.assertHeld();
    this.lastCheckpoint = Date.now();
    const changes = this.followed.changes;
    if (this.store === undefined) {
      this.outputs.flush();
      this.uncommitted = false;
      return;
    }
    const payload: CheckpointPayload = {
      version: 1,
      files: this.followed.files.map((f) => f.state()),
      retired: this.followed.retiredState(),
      outputs: this.outputs.commit(),
      truncatedWithoutCopy: this.followed.truncatedWithoutCopy,
      window: this.evaluation.windowState(),
      ...(this.options.groupBy === undefined ? {} : { groupBy: this.options.groupBy.join('.') }),
    };
    if (this.options.observer !== undefined) payload.observer = this.options.observer.toJSON();
    try {
      const started = performance.now();
      this.store.save(payload);
      this.options.observer?.checkpointed(Date.now(), performance.now() - started);
      this.uncommitted = false;
      this.committedChanges = changes;
      this.options.onCommit?.(payload);
    } catch (error) {
      // A full disk must not lose the previous checkpoint (it is untouched) nor stop the daemon: retry next time.
      this.options.warn(`checkpoint not written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the previous one stays valid, retrying`);
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
