/**
 * Closed-form metrics from running sums. Every function is total: an empty denominator gives
 * NaN (rendered as null), a huge NLL gives Infinity (rendered as null and named in the report),
 * never an exception.
 */

/** Mean NLL per token, nats. */
export function crossEntropy(nll: number, tokens: number): number {
  return tokens > 0 ? nll / tokens : Number.NaN;
}

/** exp(cross-entropy). Overflows to Infinity above ~709.78 nats, which is the honest answer. */
export function perplexity(crossEntropyNats: number): number {
  return Math.exp(crossEntropyNats);
}

export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

/** NLL (nats) per UTF-8 byte, in bits. */
export function bitsPerByte(nll: number, bytes: number): number {
  return bytes > 0 ? nll / bytes / Math.LN2 : Number.NaN;
}

/**
 * Standard error of the mean of per-token NLL: sample standard deviation / √n, as
 * lm-evaluation-harness's mean_stderr. From exact Σx and Σx² (each correctly rounded), so the
 * cancellation in Σx² − (Σx)²/n costs at most a few ulps of Σx² — far below the error bars it
 * describes.
 */
export function standardError(sum: number, sumOfSquares: number, n: number): number {
  if (n < 2) return Number.NaN;
  const variance = Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
  return Math.sqrt(variance / n);
}

/**
 * Bounds on the entropy of a distribution known only through its top-k probabilities.
 * With r = max(0, 1 − Σp_i) left for the unlisted tokens, each at most p_min:
 *   lower = H_k + r·(−ln p_min)        (every unlisted token has −ln q ≥ −ln p_min)
 *   upper = H_k − r·ln(r / (V − k))    (r spread evenly over the V − k unlisted tokens maximises entropy)
 * where H_k = −Σ p_i ln p_i over the listed tokens. The upper bound needs the vocabulary size V.
 */
export function topKEntropyBounds(
  partialEntropy: number,
  mass: number,
  minProb: number,
  k: number,
  vocabSize?: number,
): { lower: number; upper: number } {
  const rest = Math.max(0, 1 - mass);
  const lower = rest > 0 && minProb > 0 ? partialEntropy - rest * Math.log(minProb) : partialEntropy;
  let upper = Number.NaN;
  if (vocabSize !== undefined) {
    const unlisted = vocabSize - k;
    upper = rest > 0 && unlisted > 0 ? partialEntropy - rest * Math.log(rest / unlisted) : partialEntropy;
  }
  return { lower, upper };
}
