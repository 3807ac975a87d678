/**
 * One token's alternatives summarised as TokenBatchBuilder.setTopK summarises them — Σp,
 * −Σp·ln p and the smallest p, with the same operations in the same order — so that the fast
 * path's top-k figures equal the adapters' to the last bit.
 */
export class TopKRow {
  k = 0;
  mass = 0;
  partialEntropy = 0;
  minProb = Number.POSITIVE_INFINITY;

  reset(): void {
    this.k = 0;
    this.mass = 0;
    this.partialEntropy = 0;
    this.minProb = Number.POSITIVE_INFINITY;
  }

  add(logprob: number): void {
    const p = Math.exp(logprob);
    this.mass += p;
    if (p > 0) this.partialEntropy -= p * logprob;
    if (p < this.minProb) this.minProb = p;
    this.k++;
  }
}
