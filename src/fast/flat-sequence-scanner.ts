import type { Segment, TokenBatch } from '../formats/scored-batch.js';
import type { ByteScanner } from './byte-scanner.js';
import { ColumnArena } from './column-arena.js';
import type { TokenColumns } from './token-columns.js';
import { TopKRow } from './top-k-row.js';

/**
 * The arrays of an xent-sequence record (`logprobs`, `tokens`, `bytes`, `top_logprobs`,
 * `segment`) read from bytes, in whatever key order they come, into per-position columns; then
 * `build` lines them up into the batch the xent-sequence adapter would give. Only values the
 * adapter accepts as they are pass (numbers ≤ 0 or null logprobs, string or null tokens, byte
 * counts or lists of byte values, rows of logprobs); anything else returns -1 and the record goes
 * to the full parser, which accepts it or says what is wrong. Token texts are validated and
 * skipped: no report reads them.
 */
export class FlatSequenceScanner {
  /** Entries read per array, or -1 when the array is absent or null. */
  private logprobCount = -1;
  private nulls = 0;
  private tokenCount = -1;
  private byteCount = -1;
  private topCount = -1;
  private segment: Segment = 'completion';
  /** NaN marks a null (unscored) position: a real logprob is never NaN. */
  private logprobs = new Float64Array(INITIAL);
  /** NaN: unknown. */
  private bytes = new Float64Array(INITIAL);
  private k = new Uint32Array(INITIAL);
  private mass = new Float64Array(INITIAL);
  private partialEntropy = new Float64Array(INITIAL);
  private minProb = new Float64Array(INITIAL);
  private readonly row = new TopKRow();
  private readonly arena = new ColumnArena();

  clear(): void {
    this.logprobCount = -1;
    this.nulls = 0;
    this.tokenCount = -1;
    this.byteCount = -1;
    this.topCount = -1;
    this.segment = 'completion';
    if (this.logprobs.length > KEEP) this.allocate(INITIAL);
  }

  /** `logprobs` value at i: an array of numbers ≤ 0 and nulls. */
  logprobsAt(s: ByteScanner, i: number): number {
    const buf = s.buf;
    let n = 0;
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      if (n === this.logprobs.length) this.grow();
      if (buf[i] === 0x6e) {
        if (!s.isNull(i)) return -1;
        this.logprobs[n] = Number.NaN;
        this.nulls++;
        i += 4;
      } else {
        i = s.negativeDecimal(i);
        // Positive logprobs are the adapter's to reject (with its message).
        if (i < 0 || !(s.value <= 0)) return -1;
        this.logprobs[n] = s.value;
      }
      n++;
    }
    this.logprobCount = n;
    return i;
  }

  /** `tokens` value at i: null, or an array of strings and nulls. */
  tokensAt(s: ByteScanner, i: number): number {
    if (s.isNull(i)) return i + 4;
    let n = 0;
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      if (s.buf[i] === 0x22) i = s.string(i);
      else i = s.isNull(i) ? i + 4 : -1;
      if (i < 0) return -1;
      n++;
    }
    this.tokenCount = n;
    return i;
  }

  /** `bytes` value at i: null, or an array of byte counts, lists of byte values (0–255) and nulls. */
  bytesAt(s: ByteScanner, i: number): number {
    if (s.isNull(i)) return i + 4;
    let n = 0;
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      if (n === this.logprobs.length) this.grow();
      if (s.isNull(i)) {
        i += 4;
        this.bytes[n] = Number.NaN;
      } else if (s.buf[i] === 0x5b) {
        i = this.byteList(s, i);
        this.bytes[n] = s.count;
      } else {
        i = s.number(i);
        if (!(Number.isInteger(s.value) && s.value >= 0)) return -1;
        this.bytes[n] = s.value;
      }
      if (i < 0) return -1;
      n++;
    }
    this.byteCount = n;
    return i;
  }

  /** `top_logprobs` value at i: null, or an array of rows (arrays of numbers ≤ 0) and nulls. */
  topLogprobsAt(s: ByteScanner, i: number): number {
    if (s.isNull(i)) return i + 4;
    const row = this.row;
    let n = 0;
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      if (n === this.logprobs.length) this.grow();
      row.reset();
      if (s.isNull(i)) {
        i += 4;
      } else {
        for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
          i = s.negativeDecimal(i);
          if (i < 0 || !(s.value <= 0)) return -1;
          row.add(s.value);
        }
        if (i < 0) return -1;
      }
      this.k[n] = row.k;
      this.mass[n] = row.mass;
      this.partialEntropy[n] = row.partialEntropy;
      this.minProb[n] = row.minProb;
      n++;
    }
    this.topCount = n;
    return i;
  }

  /** `segment` value at i: "prompt", "completion" or null. */
  segmentAt(s: ByteScanner, i: number): number {
    if (s.isNull(i)) return i + 4;
    if (s.buf[i] !== 0x22) return -1;
    i = s.string(i);
    if (i < 0) return -1;
    if (s.stringIs(PROMPT)) this.segment = 'prompt';
    else if (s.stringIs(COMPLETION)) this.segment = 'completion';
    else return -1;
    return i;
  }

  /** Whether a `logprobs` array was read (the record is then an xent sequence). */
  get hasLogprobs(): boolean {
    return this.logprobCount >= 0;
  }

  /** The record's one batch, or undefined when the arrays do not line up (the adapter says how). */
  build(columns: TokenColumns, sequenceId: string): TokenBatch | undefined {
    const n = this.logprobCount;
    if (n < 0) return undefined;
    if ((this.tokenCount >= 0 && this.tokenCount !== n) || (this.byteCount >= 0 && this.byteCount !== n) || (this.topCount >= 0 && this.topCount !== n)) {
      return undefined;
    }
    const withBytes = this.byteCount >= 0;
    const withTop = this.topCount >= 0;
    if (this.nulls === 0 && !withBytes && !withTop) {
      // Only logprobs, all scored (the common flat dump): the column is the batch.
      return { kind: 'tokens', sequenceId, segment: this.segment, logprobs: this.arena.copy(this.logprobs, n), unscored: 0, final: true };
    }
    columns.clear();
    for (let p = 0; p < n; p++) {
      const lp = this.logprobs[p] as number;
      if (lp !== lp) {
        columns.unscored++;
        continue;
      }
      const bytes = withBytes ? (this.bytes[p] as number) : Number.NaN;
      const k = withTop ? (this.k[p] as number) : 0;
      if (k > 0) columns.push(lp, bytes, k, this.mass[p] as number, this.partialEntropy[p] as number, this.minProb[p] as number);
      else columns.push(lp, bytes, 0, 0, 0, 0);
    }
    return columns.batch(sequenceId, this.segment, true);
  }

  /** A list of byte values at i; `s.count` gets its length. */
  private byteList(s: ByteScanner, i: number): number {
    let n = 0;
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      i = s.number(i);
      if (i < 0 || !(Number.isInteger(s.value) && s.value >= 0 && s.value <= 255)) return -1;
      n++;
    }
    s.count = n;
    return i;
  }

  private grow(): void {
    const size = this.logprobs.length * 2;
    this.logprobs = copyInto(new Float64Array(size), this.logprobs);
    this.bytes = copyInto(new Float64Array(size), this.bytes);
    this.k = copyInto(new Uint32Array(size), this.k);
    this.mass = copyInto(new Float64Array(size), this.mass);
    this.partialEntropy = copyInto(new Float64Array(size), this.partialEntropy);
    this.minProb = copyInto(new Float64Array(size), this.minProb);
  }

  private allocate(size: number): void {
    this.logprobs = new Float64Array(size);
    this.bytes = new Float64Array(size);
    this.k = new Uint32Array(size);
    this.mass = new Float64Array(size);
    this.partialEntropy = new Float64Array(size);
    this.minProb = new Float64Array(size);
  }
}

function copyInto<T extends Float64Array | Uint32Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

const INITIAL = 1024;
/** Columns above this many positions are dropped after the record that needed them. */
const KEEP = 1 << 16;
const PROMPT = Buffer.from('prompt');
const COMPLETION = Buffer.from('completion');
