/**
 * Counts of per-sequence perplexity in fixed log-scale bins: 10 a decade from 1 (perplexity is
 * never below 1) to 10⁶, then one bin for everything above, overflow included. Fixed edges make
 * the counts exact and mergeable across files and groups, which a sketch's histogram is not.
 */
export const BINS_PER_DECADE = 10;
export const DECADES = 6;
const BINS = BINS_PER_DECADE * DECADES + 1;

export interface HistogramJson {
  /** Lower edge of each bin; the last bin has no upper edge. */
  edges: number[];
  counts: number[];
}

export class LogHistogram {
  readonly counts = new Array<number>(BINS).fill(0);

  add(perplexity: number): void {
    if (Number.isNaN(perplexity)) return;
    const bin = perplexity <= 1 ? 0 : Math.floor(Math.log10(perplexity) * BINS_PER_DECADE);
    const i = Math.min(BINS - 1, bin);
    this.counts[i] = (this.counts[i] as number) + 1;
  }

  merge(other: LogHistogram): void {
    for (let i = 0; i < BINS; i++) this.counts[i] = (this.counts[i] as number) + (other.counts[i] as number);
  }

  toJSON(): HistogramJson {
    return { edges: this.counts.map((_, i) => Number((10 ** (i / BINS_PER_DECADE)).toPrecision(3))), counts: this.counts.slice() };
  }
}
