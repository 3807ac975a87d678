import { ExactSum, type ExactSumState } from '../math/exact-sum.js';

/**
 * Upper bounds, nats per token, of the sequence cross-entropy histogram: fine where language
 * models live (0.5–4 nats) and wide enough to catch a broken model (ln 32000 ≈ 10.4).
 */
export const SEQUENCE_CE_BUCKETS = [0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15] as const;

export interface SequenceHistogramState {
  bounds: number[];
  counts: number[];
  count: number;
  sum: ExactSumState;
  infinite: boolean;
}

/**
 * Non-cumulative bucket counts (Prometheus cumulates them when it renders); +Inf is `count`.
 * A NaN cross-entropy (no scored token) never reaches here; +Infinity lands in +Inf only, and
 * makes the sum +Inf, as Prometheus's own client would.
 */
export class SequenceHistogram {
  readonly counts: number[];
  count = 0;
  readonly sum = new ExactSum();
  private infinite = false;

  constructor(readonly bounds: readonly number[] = SEQUENCE_CE_BUCKETS) {
    this.counts = bounds.map(() => 0);
  }

  observe(ce: number): void {
    if (Number.isNaN(ce)) return;
    this.count++;
    if (ce === Number.POSITIVE_INFINITY) this.infinite = true;
    else this.sum.add(ce);
    const i = this.bounds.findIndex((b) => ce <= b);
    if (i >= 0) this.counts[i] = (this.counts[i] as number) + 1;
  }

  /** Cumulative counts per bound, as exposed in `_bucket{le=...}`. */
  cumulative(): number[] {
    let running = 0;
    return this.counts.map((c) => (running += c));
  }

  total(): number {
    return this.infinite ? Number.POSITIVE_INFINITY : this.sum.value();
  }

  toJSON(): SequenceHistogramState {
    return { bounds: [...this.bounds], counts: [...this.counts], count: this.count, sum: this.sum.toJSON(), infinite: this.infinite };
  }

  /** Restores a saved histogram; one saved with other bounds starts over (the bounds are part of the series). */
  static fromJSON(state: SequenceHistogramState | undefined): SequenceHistogram {
    const h = new SequenceHistogram();
    if (state === undefined || state.bounds.join() !== h.bounds.join()) return h;
    state.counts.forEach((c, i) => (h.counts[i] = c));
    h.count = state.count;
    h.sum.merge(ExactSum.fromJSON(state.sum));
    h.infinite = state.infinite;
    return h;
  }
}
