import { XentError } from '../errors.js';
import { AppendLog } from './append-log.js';

/** The outputs' committed lengths, as a checkpoint holds them. */
export interface CommittedOutputs {
  out: number | null;
  deadLetter: number | null;
}

export interface DaemonOutputsOptions {
  /** Where NDJSON reports go: a path (appended, length checkpointed) or a writer (stdout). */
  out: string | ((line: string) => void);
  deadLetter?: string;
  warn: (message: string) => void;
}

/** How long the final report waits for a full disk: 10 × 300 ms. */
const DRAIN_ATTEMPTS = 10;
const DRAIN_PAUSE_MS = 300;

/**
 * The daemon's own outputs: the report stream (`--out` or stdout) and the dead letters. Their
 * lengths are committed with each checkpoint and cut back to it on resume (see AppendLog), so
 * nothing is written twice; a full disk queues lines, warns about each one it has to drop, and
 * fails the run if the final report cannot be written.
 */
export class DaemonOutputs {
  private outLog: AppendLog | undefined;
  private deadLog: AppendLog | undefined;
  private droppedWarned = 0;

  constructor(private readonly options: DaemonOutputsOptions) {}

  /** Opens the files, cut back to what the last checkpoint committed. */
  open(committed: CommittedOutputs | undefined): void {
    if (typeof this.options.out === 'string') this.outLog = new AppendLog(this.options.out, committed?.out ?? undefined);
    if (this.options.deadLetter !== undefined) this.deadLog = new AppendLog(this.options.deadLetter, committed?.deadLetter ?? undefined);
  }

  report(line: string): void {
    if (this.outLog === undefined) {
      if (typeof this.options.out === 'function') this.options.out(line);
      return;
    }
    this.outLog.write(line);
    if (this.outLog.dropped > this.droppedWarned) {
      this.droppedWarned = this.outLog.dropped;
      this.options.warn(`--out ${this.outLog.path}: the disk is full; ${this.droppedWarned} rolling line(s) dropped so far (the oldest queued first)`);
    }
  }

  deadLetter(line: string): void {
    this.deadLog?.write(line);
  }

  /** Writes what is queued, without a commit (no checkpoint to record the lengths in). */
  flush(): void {
    this.outLog?.flush();
    this.deadLog?.flush();
  }

  /** Flushes, fsyncs and returns the lengths to commit. */
  commit(): CommittedOutputs {
    return { out: this.outLog?.commit() ?? null, deadLetter: this.deadLog?.commit() ?? null };
  }

  /**
   * The final report must reach --out. While the disk stays full, `commit` (a checkpoint) is
   * retried for a few seconds; then the run fails with exit 2: a daemon that exits 0 without its
   * final report would be believed.
   */
  async drain(commit: () => Promise<void>): Promise<void> {
    const queued = () => (this.outLog?.queued ?? 0) + (this.deadLog?.queued ?? 0);
    for (let attempt = 0; attempt < DRAIN_ATTEMPTS && queued() > 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_PAUSE_MS));
      await commit();
    }
    if (queued() === 0) return;
    const stuck = [this.outLog, this.deadLog].filter((log) => log !== undefined && log.queued > 0).map((log) => log?.path);
    throw new XentError(
      'OUTPUT_WRITE_FAILED',
      `the final report could not be written: ${stuck.join(' and ')} refused ${queued()} line(s) (the disk is full)` +
        (this.droppedWarned > 0 ? `, and ${this.droppedWarned} rolling line(s) were dropped before` : '') +
        '. The checkpoint is committed: free space and start the daemon again to write it.',
    );
  }

  close(): void {
    this.outLog?.close();
    this.deadLog?.close();
  }
}
