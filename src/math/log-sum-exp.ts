/**
 * log Σ exp(x_i) with the running maximum, so that logits of ±1e4 neither overflow nor vanish.
 * One pass: when a new maximum arrives the running sum is rescaled once.
 * −Infinity terms contribute nothing; an all −Infinity (or empty) input gives −Infinity;
 * +Infinity gives +Infinity; NaN gives NaN.
 */
export function logSumExp(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (Number.isNaN(x)) return Number.NaN;
    if (x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    if (x === Number.NEGATIVE_INFINITY) continue;
    if (x <= max) {
      sum += Math.exp(x - max);
    } else {
      sum = sum * Math.exp(max - x) + 1;
      max = x;
    }
  }
  return max === Number.NEGATIVE_INFINITY ? max : max + Math.log(sum);
}

/** A mergeable running log-sum-exp: state (max, sum of exp(x − max)). */
export class RunningLogSumExp {
  max = Number.NEGATIVE_INFINITY;
  sum = 0;

  add(x: number): void {
    if (x === Number.NEGATIVE_INFINITY || Number.isNaN(x)) return;
    if (x <= this.max) {
      this.sum += Math.exp(x - this.max);
    } else {
      this.sum = this.sum * Math.exp(this.max - x) + 1;
      this.max = x;
    }
  }

  merge(other: RunningLogSumExp): void {
    if (other.max === Number.NEGATIVE_INFINITY) return;
    if (other.max <= this.max) {
      this.sum += other.sum * Math.exp(other.max - this.max);
    } else {
      this.sum = this.sum * Math.exp(this.max - other.max) + other.sum;
      this.max = other.max;
    }
  }

  value(): number {
    return this.max === Number.NEGATIVE_INFINITY ? this.max : this.max + Math.log(this.sum);
  }

  /**
   * JSON has no Infinity or NaN, and `null` would lose which one it was (an infinite
   * cross-entropy must stay infinite across a checkpoint), so non-finite values are written as
   * the strings "Infinity", "-Infinity" and "NaN".
   */
  toJSON(): { max: number | string; sum: number | string } {
    return { max: finiteOrName(this.max), sum: finiteOrName(this.sum) };
  }

  static fromJSON(state: { max: number | string | null; sum: number | string | null }): RunningLogSumExp {
    const r = new RunningLogSumExp();
    r.max = state.max === null ? Number.NEGATIVE_INFINITY : Number(state.max);
    r.sum = state.sum === null ? Number.NaN : Number(state.sum);
    return r;
  }
}

function finiteOrName(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/**
 * Log-softmax of one row of logits, with its exact entropy in nats and bits.
 * entropy = −Σ p_i·log p_i with p_i = exp(x_i − lse); terms with p_i = 0 contribute 0.
 */
export function logSoftmaxEntropy(logits: ArrayLike<number>): { lse: number; nats: number; bits: number } {
  const lse = logSumExp(logits);
  let nats = 0;
  for (let i = 0; i < logits.length; i++) {
    const lp = (logits[i] as number) - lse;
    const p = Math.exp(lp);
    if (p > 0) nats -= p * lp;
  }
  return { lse, nats, bits: nats / Math.LN2 };
}

/**
 * Entropy of a probability row given as probabilities. Computed with log2 for bits so that dyadic
 * distributions ({0.5, 0.25, 0.25} → 1.5 bits) come out exact.
 */
export function probabilityEntropy(probs: ArrayLike<number>): { nats: number; bits: number } {
  let nats = 0;
  let bits = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i] as number;
    if (p > 0) {
      nats -= p * Math.log(p);
      bits -= p * Math.log2(p);
    }
  }
  return { nats, bits };
}
