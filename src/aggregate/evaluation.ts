import type { RecordOutcome } from '../formats/record-outcome.js';
import {
  CorpusAccumulator,
  type AccumulatorOptions,
  type BadRecord,
  type CorpusSnapshot,
  type SequenceFigures,
} from './corpus-accumulator.js';
import { TokenWindow, type TokenWindowState, type WindowMetrics } from './token-window.js';

export interface EvaluationOptions extends AccumulatorOptions {
  /** Emit a rolling report each time the cumulative token count crosses a multiple of this. */
  every?: number;
  /** Tokens in the rolling window (default `every`; the daemon reports by time, so it sets only this). */
  window?: number;
}

export interface FileFigures extends CorpusSnapshot {
  file: string;
  status: 'ok' | 'failed';
  error?: string;
}

export interface RollingReport {
  type: 'rolling';
  corpus: CorpusSnapshot['corpus'];
  window: WindowMetrics;
}

/**
 * Several inputs folded at once: one accumulator per file (a sequence never spans files), merged
 * for the corpus. Pure — inputs arrive as RecordOutcomes from whatever reads them — so the batch
 * command, the daemon, the thread workers and tests all drive the same object: `fold` is the one
 * place where a record outcome becomes figures, rolling-window tokens and a dead letter.
 */
export class Evaluation {
  readonly options: EvaluationOptions;
  private readonly files: { file: string; accumulator: CorpusAccumulator; status: 'ok' | 'failed'; error?: string }[] = [];
  private readonly window: TokenWindow | undefined;
  private tokens = 0;
  private nextMark: number;

  constructor(
    options: Partial<EvaluationOptions> = {},
    private readonly listeners: {
      onRolling?: (report: RollingReport) => void;
      onBadRecord?: (bad: BadRecord, raw: string | undefined) => void;
    } = {},
  ) {
    this.options = { ...new CorpusAccumulator().options, ...options };
    const every = this.options.every;
    if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
      throw new RangeError(`Expected \`every\` to be an integer from 1 and up, got ${every}`);
    }
    const window = this.options.window ?? every;
    this.window = window === undefined ? undefined : new TokenWindow(window, this.options.sentinels === 'exclude');
    this.nextMark = every ?? Number.POSITIVE_INFINITY;
  }

  /** Registers an input; returns its index for `accept`. */
  addFile(file: string): number {
    this.files.push({ file, accumulator: new CorpusAccumulator(this.options), status: 'ok' });
    return this.files.length - 1;
  }

  /** Registers an input whose figures were accumulated elsewhere (the daemon's files); returns its index. */
  adopt(file: string, accumulator: CorpusAccumulator, status: 'ok' | 'failed' = 'ok'): number {
    this.files.push({ file, accumulator, status });
    return this.files.length - 1;
  }

  accept(index: number, outcome: RecordOutcome): void {
    this.fold(this.entry(index).accumulator, outcome);
  }

  /**
   * Folds one outcome into `accumulator` (one of this evaluation's files, or one it does not
   * hold: the daemon's followed files, a thread's unit), the rolling window and the listeners.
   */
  fold(accumulator: CorpusAccumulator, outcome: RecordOutcome): void {
    if (outcome.kind === 'bad') {
      accumulator.addBadRecord(outcome.bad);
      this.listeners.onBadRecord?.(outcome.bad, outcome.raw);
      return;
    }
    const before = accumulator.tokens;
    accumulator.add(outcome.items, outcome.origin, outcome.format, outcome.group);
    const added = accumulator.tokens - before;
    if (added === 0) return;
    this.tokens += added;
    if (this.window !== undefined) {
      const segment = this.options.segment;
      for (const item of outcome.items) {
        if (item.kind === 'tokens' && (segment === 'all' || item.segment === segment)) this.window.add(item);
      }
    }
    if (this.tokens >= this.nextMark) {
      const every = this.options.every as number;
      this.nextMark = (Math.floor(this.tokens / every) + 1) * every;
      this.listeners.onRolling?.(this.rolling());
    }
  }

  /** The rolling window's tokens, for a checkpoint (undefined without a window). */
  windowState(): TokenWindowState | undefined {
    return this.window?.toJSON();
  }

  /** Takes up a checkpointed rolling window, so that a restarted daemon's window goes on where it was. */
  restoreWindow(state: TokenWindowState): void {
    this.window?.load(state);
  }

  /** The rolling window's figures (undefined without `every` or `window`). */
  windowMetrics(): WindowMetrics | undefined {
    return this.window?.metrics();
  }

  /** The input ended: its open sequences end with it. */
  finishFile(index: number): void {
    this.entry(index).accumulator.finish();
  }

  /** The input could not be read (missing, unreadable, corrupt gzip): what it gave so far still counts. */
  failFile(index: number, error: string): void {
    const entry = this.entry(index);
    entry.accumulator.finish();
    entry.status = 'failed';
    entry.error = error;
  }

  /** One accumulator holding everything (a merge of the files'). */
  corpus(): CorpusAccumulator {
    // The finished-sequence lists stay with the files (sequences() reads them): copying them into
    // every merged total would make each rolling report cost O(sequences).
    const total = new CorpusAccumulator({ ...this.options, keepSequences: false });
    for (const { accumulator } of this.files) total.merge(accumulator);
    return total;
  }

  rolling(): RollingReport {
    const corpus = this.corpus().snapshot().corpus;
    return { type: 'rolling', corpus, window: toWindow(this.window?.metrics() ?? corpus) };
  }

  fileFigures(): FileFigures[] {
    return this.files.map(({ file, accumulator, status, error }) => {
      const figures: FileFigures = { file, status, ...accumulator.snapshot() };
      if (error !== undefined) figures.error = error;
      return figures;
    });
  }

  /** Finished sequences in input order (with options.keepSequences). */
  sequences(): SequenceFigures[] {
    return this.files.flatMap(({ accumulator }) => accumulator.finished);
  }

  /** The inputs in order, with their accumulators (what a state file saves). */
  inputs(): readonly { file: string; accumulator: CorpusAccumulator; status: 'ok' | 'failed'; error?: string }[] {
    return this.files;
  }

  get failedFiles(): number {
    return this.files.filter((f) => f.status === 'failed').length;
  }

  private entry(index: number) {
    const entry = this.files[index];
    if (entry === undefined) throw new RangeError(`no input with index ${index}`);
    return entry;
  }
}

function toWindow(m: WindowMetrics): WindowMetrics {
  const w: WindowMetrics = {
    tokens: m.tokens,
    nll: m.nll,
    cross_entropy: m.cross_entropy,
    perplexity: m.perplexity,
    bits_per_token: m.bits_per_token,
  };
  if (m.bits_per_byte !== undefined) w.bits_per_byte = m.bits_per_byte;
  return w;
}
