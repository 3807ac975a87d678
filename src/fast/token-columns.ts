import type { Segment, TokenBatch } from '../formats/scored-batch.js';

/**
 * The scored tokens of one batch as growable columns, reused from record to record so that
 * scanning allocates nothing per token; `batch()` copies them out at their exact size. Unknown
 * bytes are NaN and a token without alternatives has k = 0, as TokenBatchBuilder leaves them.
 */
export class TokenColumns {
  length = 0;
  unscored = 0;
  private logprobs = new Float64Array(INITIAL);
  private bytes = new Float64Array(INITIAL);
  private mass = new Float64Array(INITIAL);
  private partialEntropy = new Float64Array(INITIAL);
  private minProb = new Float64Array(INITIAL);
  private k = new Uint32Array(INITIAL);
  /** With setListing (the audit's check, see ChosenListing): listed (0/1) and the smallest alternative logprob. */
  private listed = new Uint8Array(INITIAL);
  private smallest = new Float64Array(INITIAL);
  private hasBytes = false;
  private hasTopK = false;
  private hasListing = false;

  clear(): void {
    this.length = 0;
    this.unscored = 0;
    this.hasBytes = false;
    this.hasTopK = false;
    this.hasListing = false;
    // A huge line must not pin its columns for the rest of the run.
    if (this.logprobs.length > KEEP) this.allocate(INITIAL);
  }

  /** Appends a scored token: its logprob, byte count (NaN: unknown) and top-k summary (k = 0: none). */
  push(logprob: number, bytes: number, k: number, mass: number, partialEntropy: number, minProb: number): void {
    const i = this.length;
    if (i === this.logprobs.length) this.grow();
    this.logprobs[i] = logprob;
    this.bytes[i] = bytes;
    if (bytes === bytes) this.hasBytes = true;
    this.k[i] = k;
    this.mass[i] = mass;
    this.partialEntropy[i] = partialEntropy;
    this.minProb[i] = minProb;
    if (k > 0) this.hasTopK = true;
    this.length = i + 1;
  }

  /** For the token just pushed: whether it is among its alternatives, and their smallest logprob. */
  setListing(listed: boolean, smallest: number): void {
    const i = this.length - 1;
    this.listed[i] = listed ? 1 : 0;
    this.smallest[i] = smallest;
    this.hasListing = true;
  }

  batch(sequenceId: string, segment: Segment, final: boolean): TokenBatch {
    const n = this.length;
    const batch: TokenBatch = {
      kind: 'tokens',
      sequenceId,
      segment,
      logprobs: this.logprobs.slice(0, n),
      unscored: this.unscored,
      final,
    };
    if (this.hasBytes) batch.bytes = this.bytes.slice(0, n);
    if (this.hasTopK) {
      batch.topK = {
        mass: this.mass.slice(0, n),
        partialEntropy: this.partialEntropy.slice(0, n),
        minProb: this.minProb.slice(0, n),
        k: this.k.slice(0, n),
      };
    }
    // Listing is set for tokens with alternatives; elsewhere it is never read (the audit checks k first).
    if (this.hasListing) batch.listing = { listed: this.listed.slice(0, n), smallest: this.smallest.slice(0, n) };
    return batch;
  }

  private grow(): void {
    const old = { logprobs: this.logprobs, bytes: this.bytes, mass: this.mass, partialEntropy: this.partialEntropy, minProb: this.minProb, k: this.k, listed: this.listed, smallest: this.smallest };
    this.allocate(this.logprobs.length * 2);
    this.listed.set(old.listed);
    this.smallest.set(old.smallest);
    this.logprobs.set(old.logprobs);
    this.bytes.set(old.bytes);
    this.mass.set(old.mass);
    this.partialEntropy.set(old.partialEntropy);
    this.minProb.set(old.minProb);
    this.k.set(old.k);
  }

  private allocate(size: number): void {
    this.logprobs = new Float64Array(size);
    this.bytes = new Float64Array(size);
    this.mass = new Float64Array(size);
    this.partialEntropy = new Float64Array(size);
    this.minProb = new Float64Array(size);
    this.k = new Uint32Array(size);
    this.listed = new Uint8Array(size);
    this.smallest = new Float64Array(size);
  }
}

const INITIAL = 1024;
/** Columns above this many tokens (about 2.5 MB) are dropped after the record that needed them. */
const KEEP = 1 << 16;
