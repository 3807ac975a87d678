import { ExactSum } from '../math/exact-sum.js';
import { sentinelIndex } from '../math/sentinels.js';

/**
 * Mean cross-entropy by token position, in buckets that double in width ([0], [1], [2,4), [4,8),
 * … [2²⁰, ∞)): how surprise falls as the context grows, in 22 sums whatever the sequence lengths.
 * The position counts scored tokens from the start of the sequence (0-based) across records.
 */
const BUCKETS = 22;

export interface PositionBucketJson {
  /** First position in the bucket. */
  from: number;
  /** One past the last position; null for the last, open bucket. */
  to: number | null;
  tokens: number;
  cross_entropy: number;
}

export function bucketOf(position: number): number {
  return position === 0 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log2(position)) + 1);
}

export class PositionBuckets {
  private readonly tokens = new Array<number>(BUCKETS).fill(0);
  private readonly nll = Array.from({ length: BUCKETS }, () => new ExactSum());

  /** One token's surprise at its position: the definition addBatch is checked against (the audit adds batches). */
  add(position: number, nll: number): void {
    const b = bucketOf(position);
    this.tokens[b] = (this.tokens[b] as number) + 1;
    (this.nll[b] as ExactSum).add(nll);
  }

  /**
   * Adds the surprise −x of each logprob x of a batch whose first token is at position `first`;
   * with `exclude`, sentinels are left out (their positions still count). The same sums as `add`
   * per token, in the same order, but the bucket is found once per bucket the batch spans
   * rather than once per token.
   */
  addBatch(first: number, logprobs: Float64Array, exclude: boolean): void {
    const n = logprobs.length;
    let i = 0;
    while (i < n) {
      const b = bucketOf(first + i);
      const end = b === BUCKETS - 1 ? n : Math.min(n, 2 ** b - first);
      const nll = this.nll[b] as ExactSum;
      let tokens = 0;
      for (; i < end; i++) {
        const x = logprobs[i] as number;
        if (exclude && x <= -100 && sentinelIndex(x) >= 0) continue;
        nll.add(-x);
        tokens++;
      }
      this.tokens[b] = (this.tokens[b] as number) + tokens;
    }
  }

  merge(other: PositionBuckets): void {
    for (let b = 0; b < BUCKETS; b++) {
      this.tokens[b] = (this.tokens[b] as number) + (other.tokens[b] as number);
      (this.nll[b] as ExactSum).merge(other.nll[b] as ExactSum);
    }
  }

  /** Buckets that hold at least one token, in position order. */
  toJSON(): PositionBucketJson[] {
    const out: PositionBucketJson[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const n = this.tokens[b] as number;
      if (n === 0) continue;
      const from = b === 0 ? 0 : 2 ** (b - 1);
      out.push({ from, to: b === BUCKETS - 1 ? null : b === 0 ? 1 : 2 ** b, tokens: n, cross_entropy: (this.nll[b] as ExactSum).value() / n });
    }
    return out;
  }
}
