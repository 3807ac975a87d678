import { ExactSum } from './exact-sum.js';
import { TDigest } from './t-digest.js';

/** The figures `xent compare --kl` reports (nats; delta_p in probability). */
export interface KlFigures {
  positions: number;
  exact_positions: number;
  mean: number;
  standard_error: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  /** Share of the positions whose top-1 token was known on both sides where it agrees. */
  same_top1: number;
  delta_p: { mean: number; rms: number; p01: number; p99: number };
}

/** One position of a KL comparison. */
export interface KlPosition {
  /** KL(P_A ‖ P_B), exact or a lower bound. */
  kl: number;
  exact: boolean;
  /** Whether both sides' most likely token is the same; undefined when unknown. */
  sameTop1?: boolean;
  /** p_B − p_A of the token that came next; undefined when unknown. */
  deltaP?: number;
}

/**
 * A mergeable fold of per-position KL and Δp: exact sums for the means and the standard error
 * (s/√n with s from Σx and Σx², both exact, so the only rounding is in the final formula), and
 * t-digests for the quantiles, so memory stays flat however many positions arrive.
 */
export class KlSummary {
  positions = 0;
  exactPositions = 0;
  max = Number.NEGATIVE_INFINITY;
  private readonly sum = new ExactSum();
  private readonly squares = new ExactSum();
  private readonly digest = new TDigest();
  private top1Known = 0;
  private top1Same = 0;
  private deltaCount = 0;
  private readonly deltaSum = new ExactSum();
  private readonly deltaSquares = new ExactSum();
  private readonly deltaDigest = new TDigest();

  add(position: KlPosition): void {
    const { kl } = position;
    this.positions++;
    if (position.exact) this.exactPositions++;
    this.sum.add(kl);
    this.squares.add(kl * kl);
    if (!Number.isNaN(kl)) this.digest.add(kl);
    if (kl > this.max) this.max = kl;
    if (position.sameTop1 !== undefined) {
      this.top1Known++;
      if (position.sameTop1) this.top1Same++;
    }
    if (position.deltaP !== undefined && Number.isFinite(position.deltaP)) {
      this.deltaCount++;
      this.deltaSum.add(position.deltaP);
      this.deltaSquares.add(position.deltaP * position.deltaP);
      this.deltaDigest.add(position.deltaP);
    }
  }

  merge(other: KlSummary): void {
    this.positions += other.positions;
    this.exactPositions += other.exactPositions;
    this.sum.merge(other.sum);
    this.squares.merge(other.squares);
    this.digest.merge(other.digest);
    if (other.max > this.max) this.max = other.max;
    this.top1Known += other.top1Known;
    this.top1Same += other.top1Same;
    this.deltaCount += other.deltaCount;
    this.deltaSum.merge(other.deltaSum);
    this.deltaSquares.merge(other.deltaSquares);
    this.deltaDigest.merge(other.deltaDigest);
  }

  figures(): KlFigures {
    const n = this.positions;
    const mean = n > 0 ? this.sum.value() / n : Number.NaN;
    const variance = n > 1 ? Math.max(0, (this.squares.value() - n * mean * mean) / (n - 1)) : Number.NaN;
    const d = this.deltaCount;
    const quantile = (t: TDigest, q: number) => (t.count > 0 ? t.quantile(q) : Number.NaN);
    return {
      positions: n,
      exact_positions: this.exactPositions,
      mean,
      standard_error: Math.sqrt(variance / n),
      median: quantile(this.digest, 0.5),
      p90: quantile(this.digest, 0.9),
      p99: quantile(this.digest, 0.99),
      max: n > 0 ? this.max : Number.NaN,
      same_top1: this.top1Known > 0 ? this.top1Same / this.top1Known : Number.NaN,
      delta_p: {
        mean: d > 0 ? this.deltaSum.value() / d : Number.NaN,
        rms: d > 0 ? Math.sqrt(this.deltaSquares.value() / d) : Number.NaN,
        p01: quantile(this.deltaDigest, 0.01),
        p99: quantile(this.deltaDigest, 0.99),
      },
    };
  }
}
