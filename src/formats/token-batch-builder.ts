import { RecordError } from '../errors.js';
import type { Segment, TokenBatch } from './scored-batch.js';

/**
 * Collects one (sequence, segment) of a record into typed arrays and enforces the one rule every
 * format shares: a logprob is a number ≤ 0 (−Infinity allowed), `null` means "not scored", and
 * anything else (positive, NaN, a string…) makes the whole record bad.
 */
export class TokenBatchBuilder {
  private logprobs: Float64Array;
  private bytes: Float64Array | undefined;
  private mass: Float64Array | undefined;
  private partialEntropy: Float64Array | undefined;
  private minProb: Float64Array | undefined;
  private k: Uint32Array | undefined;
  private entropy: Float64Array | undefined;
  private entropyBits: Float64Array | undefined;
  private texts: string[] | undefined;
  /** Each token's alternatives, only after keepAlternatives() (DecodeContext.detail = 'full'). */
  private alternatives: { texts: string[][]; logprobs: Float64Array[] } | undefined;
  private length = 0;
  private unscored = 0;
  /** Position in the record (scored or not), for error messages. */
  private position = 0;

  constructor(
    readonly sequenceId: string,
    readonly segment: Segment,
    capacity = 16,
    private readonly what = 'token',
  ) {
    this.logprobs = new Float64Array(Math.max(1, capacity));
  }

  get scored(): number {
    return this.length;
  }

  /**
   * Adds one position. Returns true when it was scored (so the caller may attach bytes, top-k
   * or text to it), false when its logprob was null/undefined.
   */
  add(logprob: unknown): boolean {
    const at = this.position++;
    if (logprob === null || logprob === undefined) {
      this.unscored++;
      return false;
    }
    this.logprobs = ensure(this.logprobs, this.length + 1);
    this.logprobs[this.length++] = checkLogprob(logprob, `${this.what} ${at}`);
    return true;
  }

  /** UTF-8 byte length of the token just added. */
  setBytes(count: number): void {
    const i = this.length - 1;
    if (this.bytes === undefined) this.bytes = new Float64Array(this.logprobs.length).fill(Number.NaN);
    this.bytes = ensure(this.bytes, this.length, Number.NaN);
    this.bytes[i] = count;
  }

  /** Keep each token's alternatives (text and logprob) in the batch, for audits; off by default. */
  keepAlternatives(): void {
    this.alternatives ??= { texts: [], logprobs: [] };
  }

  /**
   * Top-k alternatives (logprobs, and their texts when known) of the token just added. Invalid
   * alternatives make the record bad too.
   */
  setTopK(alternatives: ArrayLike<unknown>, texts?: ArrayLike<string>): void {
    const i = this.length - 1;
    const n = this.logprobs.length;
    this.mass = ensure(this.mass ?? new Float64Array(n), this.length);
    this.partialEntropy = ensure(this.partialEntropy ?? new Float64Array(n), this.length);
    this.minProb = ensure(this.minProb ?? new Float64Array(n), this.length);
    this.k = ensureU32(this.k ?? new Uint32Array(n), this.length);
    let mass = 0;
    let h = 0;
    let min = alternatives.length > 0 ? Number.POSITIVE_INFINITY : 0;
    for (let j = 0; j < alternatives.length; j++) {
      const lp = checkLogprob(alternatives[j], `top-k alternative ${j} of ${this.what} ${this.position - 1}`);
      const p = Math.exp(lp);
      mass += p;
      if (p > 0) h -= p * lp;
      if (p < min) min = p;
    }
    if (this.alternatives !== undefined) {
      this.alternatives.logprobs[i] = Float64Array.from(alternatives as ArrayLike<number>);
      this.alternatives.texts[i] = Array.from({ length: alternatives.length }, (_, j) => texts?.[j] ?? '');
    }
    this.mass[i] = mass;
    this.partialEntropy[i] = h;
    this.minProb[i] = min;
    this.k[i] = alternatives.length;
  }

  /** Exact entropy of the full distribution at the token just added (nats and bits); NaN where unknown. */
  setEntropy(nats: number, bits: number): void {
    const i = this.length - 1;
    const n = this.logprobs.length;
    this.entropy = ensure(this.entropy ?? new Float64Array(n).fill(Number.NaN), this.length, Number.NaN);
    this.entropyBits = ensure(this.entropyBits ?? new Float64Array(n).fill(Number.NaN), this.length, Number.NaN);
    this.entropy[i] = nats;
    this.entropyBits[i] = bits;
  }

  setText(text: string): void {
    this.texts ??= [];
    this.texts[this.length - 1] = text;
  }

  build(final: boolean): TokenBatch {
    const n = this.length;
    const batch: TokenBatch = {
      kind: 'tokens',
      sequenceId: this.sequenceId,
      segment: this.segment,
      logprobs: this.logprobs.subarray(0, n),
      unscored: this.unscored,
      final,
    };
    if (this.bytes !== undefined) batch.bytes = ensure(this.bytes, n, Number.NaN).subarray(0, n);
    if (this.entropy !== undefined && this.entropyBits !== undefined) {
      batch.entropy = ensure(this.entropy, n, Number.NaN).subarray(0, n);
      batch.entropyBits = ensure(this.entropyBits, n, Number.NaN).subarray(0, n);
    }
    if (this.mass !== undefined && this.partialEntropy !== undefined && this.minProb !== undefined && this.k !== undefined) {
      batch.topK = {
        mass: ensure(this.mass, n).subarray(0, n),
        partialEntropy: ensure(this.partialEntropy, n).subarray(0, n),
        minProb: ensure(this.minProb, n).subarray(0, n),
        k: ensureU32(this.k, n).subarray(0, n),
      };
    }
    if (this.alternatives !== undefined) {
      const { texts, logprobs } = this.alternatives;
      const allTexts = new Array<string[]>(n);
      const allLogprobs = new Array<Float64Array>(n);
      for (let i = 0; i < n; i++) {
        allTexts[i] = texts[i] ?? NO_TEXTS;
        allLogprobs[i] = logprobs[i] ?? NO_LOGPROBS;
      }
      batch.alternatives = { texts: allTexts, logprobs: allLogprobs };
    }
    if (this.texts !== undefined) {
      const texts = this.texts;
      const tokens = new Array<string>(n);
      for (let i = 0; i < n; i++) tokens[i] = texts[i] ?? '';
      batch.tokens = tokens;
    }
    return batch;
  }
}

/** Shared by every token without alternatives: empty, frozen, and a zero-length typed array cannot be written. */
const NO_TEXTS = Object.freeze([]) as unknown as string[];
const NO_LOGPROBS = new Float64Array(0);

/** A logprob must be a number ≤ 0; −Infinity (probability 0) is allowed and reported as such. */
export function checkLogprob(value: unknown, where: string): number {
  if (typeof value !== 'number') {
    throw new RecordError('INVALID_LOGPROB', `${where}: logprob is ${describe(value)}, not a number`);
  }
  if (Number.isNaN(value)) throw new RecordError('INVALID_LOGPROB', `${where}: logprob is NaN`);
  if (value > 0) {
    throw new RecordError('INVALID_LOGPROB', `${where}: logprob ${value} is positive (a probability above 1)`);
  }
  return value;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function ensure(array: Float64Array, length: number, fill = 0): Float64Array {
  if (array.length >= length) return array;
  const grown = new Float64Array(Math.max(length, array.length * 2));
  if (fill !== 0) grown.fill(fill, array.length);
  grown.set(array);
  return grown;
}

function ensureU32(array: Uint32Array, length: number): Uint32Array {
  if (array.length >= length) return array;
  const grown = new Uint32Array(Math.max(length, array.length * 2));
  grown.set(array);
  return grown;
}
