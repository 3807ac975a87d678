import { ExactSum } from './exact-sum.js';
import { logSumExp } from './log-sum-exp.js';

/** One row of a distribution over the vocabulary, as given: logits (any shift) or probabilities. */
export interface DistributionRow {
  kind: 'logits' | 'probs';
  values: ArrayLike<number>;
}

/** H(P, Q), H(P) and their difference KL(P ‖ Q), in nats, for one position. */
export interface SoftCrossEntropy {
  /** −Σ P(x) ln Q(x); +Infinity where P > 0 and Q = 0. */
  crossEntropy: number;
  /** −Σ P(x) ln P(x), with P ln P = 0 at P = 0. */
  entropy: number;
  /** Σ P(x) (ln P(x) − ln Q(x)), summed term by term (not H(P,Q) − H(P), which cancels badly when P ≈ Q). */
  kl: number;
}

/**
 * The cross-entropy of a full target P against a full model Q, position by position.
 * Logits are normalised with a max-shifted log-sum-exp (±1e4 neither overflows nor vanishes);
 * probability rows are used as given (the caller checks they sum to 1). Each of the three sums
 * is exact (ExactSum), so a 128k vocabulary loses nothing to the order of additions.
 * The rows must have the same length (the caller reports a mismatch).
 */
export function softCrossEntropy(target: DistributionRow, model: DistributionRow): SoftCrossEntropy {
  const n = target.values.length;
  const lseP = target.kind === 'logits' ? logSumExp(target.values) : 0;
  const lseQ = model.kind === 'logits' ? logSumExp(model.values) : 0;
  const cross = new ExactSum();
  const entropy = new ExactSum();
  const kl = new ExactSum();
  for (let i = 0; i < n; i++) {
    const lp = logOf(target, i, lseP);
    if (lp === Number.NEGATIVE_INFINITY) continue; // P = 0: the term is 0 whatever Q is
    const p = Math.exp(lp);
    if (p === 0) continue; // underflowed below the smallest double: a term below 1e-320
    const lq = logOf(model, i, lseQ);
    cross.add(-p * lq);
    entropy.add(-p * lp);
    kl.add(p * (lp - lq));
  }
  return { crossEntropy: cross.value(), entropy: entropy.value(), kl: kl.value() };
}

function logOf(row: DistributionRow, i: number, lse: number): number {
  const x = row.values[i] as number;
  return row.kind === 'logits' ? x - lse : Math.log(x);
}
