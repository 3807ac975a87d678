import type { RecordOrigin } from '../formats/record-outcome.js';
import { sentinelIndex } from '../math/sentinels.js';

/**
 * One record that gives tokens to a sequence's heat-map, as the first pass read it: where its
 * line is, and a fingerprint of the tokens it gave the sequence (their count and plain sum), so
 * that the second pass can tell the line it re-reads is still the one the figures came from.
 */
export interface DetailSpan {
  /** Byte offset of the record's line, its 1-based number, and its index when the line holds an array. */
  offset: number;
  line: number;
  element: number | undefined;
  /** Tokens the sequence's batches of this record count (sentinels left out with --sentinels exclude), and the sum of their logprobs. */
  tokens: number;
  sum: number;
}

/** The count and sum of the tokens of a batch that the heat-map (and the sums) take. */
export interface Fingerprint {
  tokens: number;
  sum: number;
}

/**
 * Adds a batch's tokens to a fingerprint: every logprob in order, less the sentinels when they are
 * excluded (as AuditGroup skips them). Both passes call this, so equal records give equal sums.
 */
export function addToFingerprint(into: Fingerprint, logprobs: Float64Array, exclude: boolean): void {
  let tokens = 0;
  let sum = 0;
  for (let i = 0; i < logprobs.length; i++) {
    const x = logprobs[i] as number;
    if (exclude && x <= -100 && sentinelIndex(x) >= 0) continue;
    sum += x;
    tokens++;
  }
  into.tokens += tokens;
  into.sum += sum;
}

/**
 * Where the first `limit` heat-map tokens of one open sequence of input `input` are: the records
 * that gave them, in order. It replaces the tokens themselves (TokenDetail) on inputs that can be
 * re-read by byte range: the first pass keeps this (a few numbers a record, only until `limit`
 * tokens are placed), and the second pass re-reads just the lines of the sequences kept in a top-K.
 */
export class DetailSpans {
  readonly spans: DetailSpan[] = [];
  /** Tokens placed so far: the heat-map's length once the spans are read again (up to `limit`). */
  private placed = 0;

  constructor(
    readonly input: number,
    private readonly limit: number,
  ) {}

  /** One batch of the sequence, from the record at `origin` (a line: it has an offset and a number). */
  note(origin: RecordOrigin, logprobs: Float64Array, exclude: boolean): void {
    if (logprobs.length === 0) return; // adds nothing to the heat-map or to a fingerprint
    const last = this.spans[this.spans.length - 1];
    // A later batch of the record already spanned (its other segment) joins its fingerprint, as
    // the second pass takes every batch of the sequence in that record.
    if (last !== undefined && last.offset === origin.offset && last.element === origin.element) {
      const before = last.tokens;
      addToFingerprint(last, logprobs, exclude);
      this.placed += last.tokens - before;
      return;
    }
    if (this.placed >= this.limit) return;
    if (origin.offset === undefined || origin.line === undefined) {
      throw new Error(`${origin.file}: a record without a line offset cannot be re-read for the heat-map`);
    }
    const span: DetailSpan = { offset: origin.offset, line: origin.line, element: origin.element, tokens: 0, sum: 0 };
    addToFingerprint(span, logprobs, exclude);
    // A batch of excluded sentinels only places nothing, and needs no re-read.
    if (span.tokens === 0) return;
    this.placed += span.tokens;
    this.spans.push(span);
  }
}
