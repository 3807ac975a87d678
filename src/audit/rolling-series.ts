import { sentinelIndex } from '../math/sentinels.js';

/**
 * Cross-entropy over the corpus in arrival order, for the page's rolling chart, in at most
 * `maxPoints` points: each point covers `block` tokens; when the series is full, neighbours are
 * merged pairwise and the block doubles. Memory is fixed; resolution adapts to the corpus size.
 * Plain sums are enough here: the chart shows 3 significant digits, and the exact totals live in
 * TokenStats.
 */
export interface RollingPointJson {
  /** Tokens before this point. */
  start: number;
  tokens: number;
  cross_entropy: number;
}

export class RollingSeries {
  private tokens: number[] = [];
  private nll: number[] = [];
  private block: number;
  private total = 0;

  constructor(
    initialBlock = 64,
    private readonly maxPoints = 256,
  ) {
    if (!Number.isInteger(maxPoints) || maxPoints < 2 || maxPoints % 2 !== 0) {
      throw new RangeError(`Expected \`maxPoints\` to be an even integer from 2 and up, got ${maxPoints}`);
    }
    this.block = initialBlock;
  }

  /** One token's surprise: the definition addBatch is checked against (the audit adds batches). */
  add(nll: number): void {
    const last = this.openPoint();
    this.tokens[last] = (this.tokens[last] as number) + 1;
    this.nll[last] = (this.nll[last] as number) + nll;
    this.total++;
  }

  /**
   * Adds the surprise −x of each logprob x of a batch, in order; with `exclude`, sentinels are left
   * out. The same points as `add` per token, to the last bit: each point's sum takes the same terms
   * in the same order (kept in a local between block boundaries), and a point is opened only for a
   * token that is added.
   */
  addBatch(logprobs: Float64Array, exclude: boolean): void {
    const n = logprobs.length;
    let i = 0;
    while (i < n) {
      const next = logprobs[i] as number;
      if (exclude && next <= -100 && sentinelIndex(next) >= 0) {
        i++;
        continue;
      }
      const last = this.openPoint();
      const before = this.tokens[last] as number;
      let tokens = before;
      let nll = this.nll[last] as number;
      for (; i < n && tokens < this.block; i++) {
        const x = logprobs[i] as number;
        if (exclude && x <= -100 && sentinelIndex(x) >= 0) continue;
        nll += -x;
        tokens++;
      }
      this.tokens[last] = tokens;
      this.nll[last] = nll;
      this.total += tokens - before;
    }
  }

  /** The index of the point the next token goes to: the last one, or a new one when it is full. */
  private openPoint(): number {
    const last = this.tokens.length - 1;
    if (last >= 0 && (this.tokens[last] as number) < this.block) return last;
    if (this.tokens.length === this.maxPoints) this.halve();
    this.tokens.push(0);
    this.nll.push(0);
    return this.tokens.length - 1;
  }

  toJSON(): RollingPointJson[] {
    let start = 0;
    return this.tokens.map((n, i) => {
      const point = { start, tokens: n, cross_entropy: (this.nll[i] as number) / n };
      start += n;
      return point;
    });
  }

  private halve(): void {
    const tokens: number[] = [];
    const nll: number[] = [];
    for (let i = 0; i < this.tokens.length; i += 2) {
      tokens.push((this.tokens[i] as number) + (this.tokens[i + 1] ?? 0));
      nll.push((this.nll[i] as number) + (this.nll[i + 1] ?? 0));
    }
    this.tokens = tokens;
    this.nll = nll;
    this.block *= 2;
  }
}
