import type { BadRecord, SequenceFigures } from '../aggregate/corpus-accumulator.js';
import type { FileStatus, RollingWatchReport } from './log-watcher.js';
import { SequenceHistogram, type SequenceHistogramState } from './sequence-histogram.js';

/** What the daemon adds to its checkpoint so that its counters survive restarts (committed with the offsets). */
export interface DaemonStatusState {
  version: 1;
  bytesRead: number;
  badRecords: Record<string, number>;
  sequenceCrossEntropy: SequenceHistogramState;
}

/** One point of the live page's curves. */
export interface CurvePoint {
  /** Unix time, ms. */
  t: number;
  tokens: number;
  cross_entropy: number | null;
  perplexity: number | null;
  window_cross_entropy: number | null;
  window_perplexity: number | null;
}

export interface WorstSequence {
  id: string;
  file: string;
  line: number | null;
  tokens: number;
  cross_entropy: number;
  perplexity: number | null;
}

/** `/status.json`: everything the live page draws. Non-finite numbers are null (JSON has no Infinity). */
export interface StatusJson {
  now: number;
  started: number;
  tokens: number;
  records: number;
  sequences: number;
  bytes_read: number;
  tokens_per_second: number | null;
  cross_entropy: number | null;
  perplexity: number | null;
  window: { tokens: number; cross_entropy: number | null; perplexity: number | null };
  bad_records: Record<string, number>;
  files: FileStatus[];
  checkpoint: { age_seconds: number | null; duration_seconds: number | null };
  curve: CurvePoint[];
  worst: WorstSequence[];
}

export interface DaemonStatusOptions {
  /** Curve points kept (one per rolling report). */
  points: number;
  /** Recent finished sequences among which the worst are shown. */
  recent: number;
  /** Worst sequences shown. */
  worst: number;
  /** Tokens/s is measured over this span of the curve, ms. */
  rateSpanMs: number;
}

const DEFAULTS: DaemonStatusOptions = { points: 720, recent: 1000, worst: 10, rateSpanMs: 60_000 };

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The daemon as seen from outside: counters that persist in the checkpoint (bytes read, bad
 * records by code, the sequence cross-entropy histogram) and a bounded recent past for the live
 * page (curve points, recent sequences). Pure: the watcher feeds it, the server reads it. Memory
 * is bounded by `points` and `recent`, however long the daemon runs.
 */
export class DaemonStatus {
  readonly options: DaemonStatusOptions;
  readonly started: number;
  bytesRead = 0;
  readonly badRecords = new Map<string, number>();
  histogram = new SequenceHistogram();
  latest: RollingWatchReport | undefined;
  lastCheckpointAt: number | undefined;
  lastCheckpointMs: number | undefined;
  private readonly curve: CurvePoint[] = [];
  private readonly recent: WorstSequence[] = [];
  private recentNext = 0;

  constructor(options: Partial<DaemonStatusOptions> = {}, now = Date.now()) {
    this.options = { ...DEFAULTS, ...options };
    this.started = now;
  }

  /** A complete line was folded (`bytes` with its newline). */
  lineRead(bytes: number): void {
    this.bytesRead += bytes;
  }

  badRecord(bad: BadRecord): void {
    this.badRecords.set(bad.code, (this.badRecords.get(bad.code) ?? 0) + 1);
  }

  sequence(s: SequenceFigures): void {
    this.histogram.observe(s.cross_entropy);
    if (Number.isNaN(s.cross_entropy)) return;
    const entry: WorstSequence = { id: s.id, file: s.file, line: s.line ?? null, tokens: s.tokens, cross_entropy: s.cross_entropy, perplexity: finiteOrNull(s.perplexity) };
    // A ring of the most recent sequences: the worst are picked from it when the page asks.
    if (this.recent.length < this.options.recent) this.recent.push(entry);
    else this.recent[this.recentNext] = entry;
    this.recentNext = (this.recentNext + 1) % this.options.recent;
  }

  checkpointed(at: number, durationMs: number): void {
    this.lastCheckpointAt = at;
    this.lastCheckpointMs = durationMs;
  }

  rolling(report: RollingWatchReport, now = Date.now()): void {
    this.latest = report;
    this.curve.push({
      t: now,
      tokens: report.corpus.tokens,
      cross_entropy: finiteOrNull(report.corpus.cross_entropy),
      perplexity: finiteOrNull(report.corpus.perplexity),
      window_cross_entropy: finiteOrNull(report.window.cross_entropy),
      window_perplexity: finiteOrNull(report.window.perplexity),
    });
    if (this.curve.length > this.options.points) this.curve.shift();
  }

  /** Tokens per second over the last `rateSpanMs` of the curve; null until two points span some time. */
  tokensPerSecond(): number | null {
    const last = this.curve[this.curve.length - 1];
    if (last === undefined) return null;
    const first = this.curve.find((p) => last.t - p.t <= this.options.rateSpanMs) ?? last;
    if (last.t === first.t) return null;
    return ((last.tokens - first.tokens) * 1000) / (last.t - first.t);
  }

  worst(): WorstSequence[] {
    return [...this.recent].sort((a, b) => b.cross_entropy - a.cross_entropy).slice(0, this.options.worst);
  }

  toStatusJson(now = Date.now()): StatusJson {
    const r = this.latest;
    return {
      now,
      started: this.started,
      tokens: r?.corpus.tokens ?? 0,
      records: r?.corpus.records ?? 0,
      sequences: r?.corpus.sequences ?? 0,
      bytes_read: this.bytesRead,
      tokens_per_second: this.tokensPerSecond(),
      cross_entropy: r === undefined ? null : finiteOrNull(r.corpus.cross_entropy),
      perplexity: r === undefined ? null : finiteOrNull(r.corpus.perplexity),
      window: {
        tokens: r?.window.tokens ?? 0,
        cross_entropy: r === undefined ? null : finiteOrNull(r.window.cross_entropy),
        perplexity: r === undefined ? null : finiteOrNull(r.window.perplexity),
      },
      bad_records: Object.fromEntries([...this.badRecords].sort(([a], [b]) => (a < b ? -1 : 1))),
      files: r?.files ?? [],
      checkpoint: {
        age_seconds: this.lastCheckpointAt === undefined ? null : (now - this.lastCheckpointAt) / 1000,
        duration_seconds: this.lastCheckpointMs === undefined ? null : this.lastCheckpointMs / 1000,
      },
      curve: this.curve.slice(),
      worst: this.worst(),
    };
  }

  toJSON(): DaemonStatusState {
    return { version: 1, bytesRead: this.bytesRead, badRecords: Object.fromEntries(this.badRecords), sequenceCrossEntropy: this.histogram.toJSON() };
  }

  /** Takes the counters back from a checkpoint (written by toJSON); anything else starts from zero. */
  restore(state: unknown): void {
    if (typeof state !== 'object' || state === null || (state as { version?: unknown }).version !== 1) return;
    const s = state as DaemonStatusState;
    this.bytesRead = s.bytesRead;
    this.badRecords.clear();
    for (const [code, n] of Object.entries(s.badRecords)) this.badRecords.set(code, n);
    this.histogram = SequenceHistogram.fromJSON(s.sequenceCrossEntropy);
  }
}
