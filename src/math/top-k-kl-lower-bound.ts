/** One position's listed alternatives: token identities (ids or texts) and their natural-log probabilities. */
export interface ListedAlternatives {
  tokens: ArrayLike<string | number>;
  logprobs: ArrayLike<number>;
}

/** Rest masses below this on both sides are taken as rounding (servers print about 8 digits). */
export const REST_FLOOR = 1e-6;

export interface TopKKlBound {
  /** A lower bound on KL(P_A ‖ P_B), in nats; finite (B's rest is taken as at least REST_FLOOR). */
  lower: number;
  /** Tokens listed on both sides, each its own term. */
  shared: number;
  /** Mass of everything else on side A and side B: 1 − Σ over the shared tokens, clamped at 0. */
  restA: number;
  restB: number;
}

/**
 * KL(P_A ‖ P_B) when only top-k logprobs are known: the exact KL of a coarsened pair of
 * distributions, which by the log-sum inequality (data processing) can only be smaller than the
 * true KL. The coarsening keeps every token listed on BOTH sides as its own outcome and lumps all
 * other tokens (listed on one side only, or on neither) into one "rest" outcome whose masses are
 * r_A = 1 − Σ_shared p_A and r_B = 1 − Σ_shared p_B. So
 *
 *   lower = Σ_shared p_A ln(p_A / p_B) + r_A ln(r_A / r_B)   (0 ln 0 = 0)
 *
 * is a true lower bound; no finite upper bound exists without a floor on P_B (B may put almost
 * nothing on a token A favours). Server logprobs are rounded, so a listed mass above 1 leaves a
 * rest clamped at 0, and when both rests are below REST_FLOOR they are rounding noise (1 − Σ
 * cancels) and the rest term is left out, which moves the bound by at most about 1e-5 nats. The bound is exact when the shared tokens carry all of both sides' mass.
 * A rest of B below REST_FLOOR against a larger rest of A is taken as REST_FLOOR: B's true rest is
 * not known to be smaller than the rounding (a near-certain token is printed as logprob 0), and
 * r_A ln(r_A / r_B) only falls as r_B grows, so the bound stays a lower bound and never becomes
 * +Infinity from rounding alone (one such position would make a corpus's mean infinite).
 */
export function topKKlLowerBound(a: ListedAlternatives, b: ListedAlternatives): TopKKlBound {
  const bByToken = new Map<string | number, number>();
  for (let j = 0; j < b.tokens.length; j++) {
    const t = b.tokens[j] as string | number;
    if (!bByToken.has(t)) bByToken.set(t, b.logprobs[j] as number);
  }
  const seen = new Set<string | number>();
  let sharedA = 0;
  let sharedB = 0;
  let kl = 0;
  let shared = 0;
  for (let i = 0; i < a.tokens.length; i++) {
    const t = a.tokens[i] as string | number;
    const lqb = bByToken.get(t);
    if (lqb === undefined || seen.has(t)) continue;
    seen.add(t);
    shared++;
    const lpa = a.logprobs[i] as number;
    const pa = Math.exp(lpa);
    sharedA += pa;
    sharedB += Math.exp(lqb);
    if (pa > 0) kl += pa * (lpa - lqb);
  }
  const restA = Math.max(0, 1 - sharedA);
  const restB = Math.max(0, 1 - sharedB);
  if (restA >= REST_FLOOR || restB >= REST_FLOOR) {
    if (restA > 0) kl += restA * Math.log(restA / Math.max(restB, REST_FLOOR));
  }
  return { lower: kl, shared, restA, restB };
}
