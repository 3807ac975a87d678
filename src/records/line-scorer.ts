import type { FormatAdapter } from '../formats/adapter.js';
import type { RecordOutcome, ScoredRecord } from '../formats/record-outcome.js';
import { FastRecordScanner } from '../fast/fast-record-scanner.js';
import { fastPathFor, type FastPathUse } from './fast-path-use.js';
import { LineFramer, type LineFramerOptions, type LineVisitor, type OverlongLine } from './line-framer.js';
import { scoreFramed } from './score-framed.js';

export interface LineScorerOptions extends LineFramerOptions {
  /** The forced adapter, if any (it also decides what the fast path may read: see fastPathFor). */
  adapter?: FormatAdapter;
  /**
   * Read the lines the fast path can straight from their bytes (default true). The outcomes are
   * the same either way, to the last bit; `false` is for checking that, and for readers that
   * want the full path's view of every line.
   */
  fastPath?: boolean;
}

/**
 * Bytes of a JSON-lines input → one RecordOutcome per record, to `sink`, in input order: each
 * line is tried by the FastRecordScanner straight from its bytes, and any line it does not take
 * goes through the full path (scoreFramed); with `fastPath: false`, every line does. Synchronous and
 * stream-free: a chunk is consumed by `push` before the caller reads the next, and nothing keeps a
 * reference into it.
 */
export class LineScorer implements LineVisitor {
  private readonly framer: LineFramer;
  private readonly scanner: FastRecordScanner | undefined;
  private readonly accepts: FastPathUse['accepts'];

  constructor(
    private readonly file: string,
    private readonly sink: (outcome: RecordOutcome) => void,
    private readonly options: LineScorerOptions,
  ) {
    this.framer = new LineFramer(options);
    const fast = options.fastPath === false ? undefined : fastPathFor(options.adapter);
    this.scanner = fast === undefined ? undefined : new FastRecordScanner(fast.shapes, fast.listing);
    this.accepts = fast?.accepts;
  }

  /** Number of the next line to be framed (one past the last line read). */
  get nextLine(): number {
    return this.framer.nextLine;
  }

  push(chunk: Buffer): void {
    this.framer.frame(chunk, this);
  }

  /** The input ended: its last line, if it had no newline. */
  finish(): void {
    this.framer.finish(this);
  }

  line(buf: Buffer, start: number, end: number, line: number, offset: number, next: number, terminated: boolean): void {
    const scored = this.scanner?.scan(buf, start, end, this.file, line, offset);
    if (scored !== undefined && (this.accepts === undefined || this.accepts(scored, buf, start, end))) {
      this.sink(scored);
      return;
    }
    scoreFramed({ kind: 'line', text: buf.toString('utf8', start, end), line, offset, end: next, terminated }, this.file, this.options.adapter, this.sink);
  }

  overlong(item: OverlongLine): void {
    scoreFramed(item, this.file, this.options.adapter, this.sink);
  }
}
