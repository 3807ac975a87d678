/**
 * A paired bootstrap of the mean difference that streams: the Poisson bootstrap (Hanley &
 * MacGibbon 2006; Chamandy et al., "Estimating uncertainty for massive data streams", Google 2012).
 * The classic bootstrap draws n pairs with replacement, which needs all n differences in memory;
 * here each pair instead gets an independent Poisson(1) weight in every replicate as it arrives,
 * which has the same limit as the multinomial weights and needs O(replicates) memory, whatever n.
 * Each replicate's mean is Σ w·d / Σ w; the interval is the percentile interval of those means.
 * The PRNG is seeded, so the same inputs in the same order give the same interval.
 */

/** mulberry32: a small, fast, seeded 32-bit PRNG (uniform in [0, 1)). Not for cryptography. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const E_INV = Math.exp(-1);

export class PairedBootstrap {
  private readonly weighted: Float64Array;
  private readonly weights: Float64Array;
  private readonly random: () => number;
  private n = 0;

  constructor(
    readonly replicates = 1000,
    readonly seed = 1,
  ) {
    if (!Number.isInteger(replicates) || replicates < 10) {
      throw new RangeError(`Expected \`replicates\` to be an integer from 10 and up, got ${replicates}`);
    }
    if (!Number.isInteger(seed)) throw new RangeError(`Expected \`seed\` to be an integer, got ${seed}`);
    this.weighted = new Float64Array(replicates);
    this.weights = new Float64Array(replicates);
    this.random = mulberry32(seed);
  }

  get count(): number {
    return this.n;
  }

  /** One pair's difference (e.g. cross-entropy of B minus A for one sequence). */
  add(difference: number): void {
    this.n++;
    for (let r = 0; r < this.replicates; r++) {
      // Poisson(1) by inversion: about two comparisons on average.
      const u = this.random();
      let k = 0;
      let p = E_INV;
      let cdf = p;
      while (u > cdf && k < 20) {
        k++;
        p /= k;
        cdf += p;
      }
      if (k === 0) continue;
      this.weighted[r] = (this.weighted[r] as number) + k * difference;
      this.weights[r] = (this.weights[r] as number) + k;
    }
  }

  /** Percentile interval of the replicate means at `level` (0.95 → 2.5% and 97.5%); NaN when empty. */
  interval(level = 0.95): { low: number; high: number } {
    if (!(level > 0 && level < 1)) throw new RangeError(`Expected \`level\` to be between 0 and 1, got ${level}`);
    const means: number[] = [];
    for (let r = 0; r < this.replicates; r++) {
      const w = this.weights[r] as number;
      if (w > 0) means.push((this.weighted[r] as number) / w);
    }
    if (means.length === 0) return { low: Number.NaN, high: Number.NaN };
    means.sort((a, b) => a - b);
    const alpha = (1 - level) / 2;
    return { low: percentile(means, alpha), high: percentile(means, 1 - alpha) };
  }
}

/** Type-7 (linear) percentile of sorted values. */
function percentile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}
