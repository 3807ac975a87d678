import { ExactSum } from '../math/exact-sum.js';
import { sentinelIndex } from '../math/sentinels.js';
import { bitsPerByte, crossEntropy, natsToBits, perplexity } from '../math/metrics.js';
import type { TokenBatch } from '../formats/scored-batch.js';

export interface WindowMetrics {
  tokens: number;
  nll: number;
  cross_entropy: number;
  perplexity: number;
  bits_per_token: number;
  bits_per_byte?: number;
}

/**
 * A window's tokens, oldest first, for a checkpoint: NLL in nats (null for +Infinity, which JSON
 * cannot hold) and UTF-8 bytes (null when unknown).
 */
export interface TokenWindowState {
  nll: (number | null)[];
  bytes: (number | null)[];
}

/**
 * The last `size` scored tokens, in arrival order, as a ring buffer. Adding a token only stores
 * it; the figures are summed over the ring when asked for (an exact sum of at most `size` terms),
 * so they never drift however long the daemon runs, and a catch-up through millions of tokens
 * pays two array stores a token. Memory: 16 bytes per token of window.
 */
export class TokenWindow {
  private readonly nll: Float64Array;
  private readonly bytes: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly size: number,
    private readonly excludeSentinels = false,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Expected \`window\` to be an integer from 1 and up, got ${size}`);
    this.nll = new Float64Array(size);
    this.bytes = new Float64Array(size);
  }

  add(batch: TokenBatch): void {
    const { logprobs, bytes } = batch;
    for (let i = 0; i < logprobs.length; i++) {
      const x = logprobs[i] as number;
      if (this.excludeSentinels && sentinelIndex(x) >= 0) continue;
      this.push(-x, bytes === undefined ? Number.NaN : (bytes[i] as number));
    }
  }

  private push(nll: number, bytes: number): void {
    const at = this.next;
    if (this.filled < this.size) this.filled++;
    this.nll[at] = nll;
    this.bytes[at] = bytes;
    this.next = at + 1 === this.size ? 0 : at + 1;
  }

  toJSON(): TokenWindowState {
    const nll: (number | null)[] = [];
    const bytes: (number | null)[] = [];
    const first = this.filled === this.size ? this.next : 0;
    for (let k = 0; k < this.filled; k++) {
      const at = (first + k) % this.size;
      const x = this.nll[at] as number;
      const b = this.bytes[at] as number;
      nll.push(x === Number.POSITIVE_INFINITY ? null : x);
      bytes.push(b === b ? b : null);
    }
    return { nll, bytes };
  }

  /** Takes up a checkpointed window (after the tokens already in this one; the last `size` stay). */
  load(state: TokenWindowState): void {
    for (let k = 0; k < state.nll.length; k++) {
      const x = state.nll[k];
      const b = state.bytes[k];
      this.push(x === null || x === undefined ? Number.POSITIVE_INFINITY : x, b === null || b === undefined ? Number.NaN : b);
    }
  }

  metrics(): WindowMetrics {
    const nllSum = new ExactSum();
    const bytesNll = new ExactSum();
    let infinite = 0;
    let bytesSum = 0;
    let bytesTokens = 0;
    for (let k = 0; k < this.filled; k++) {
      const x = this.nll[k] as number;
      if (x === Number.POSITIVE_INFINITY) {
        // Infinite NLLs (logprob −Infinity) make the window's NLL infinite, and have no bytes figure.
        infinite++;
        continue;
      }
      nllSum.add(x);
      const b = this.bytes[k] as number;
      if (b === b) {
        bytesNll.add(x);
        bytesSum += b;
        bytesTokens++;
      }
    }
    const nll = infinite > 0 ? Number.POSITIVE_INFINITY : nllSum.value();
    const ce = crossEntropy(nll, this.filled);
    const m: WindowMetrics = {
      tokens: this.filled,
      nll,
      cross_entropy: ce,
      perplexity: perplexity(ce),
      bits_per_token: natsToBits(ce),
    };
    if (bytesTokens > 0) m.bits_per_byte = bitsPerByte(bytesNll.value(), bytesSum);
    return m;
  }
}
