import type { KlPosition } from './kl-summary.js';
import { logSumExp } from './log-sum-exp.js';
import { softCrossEntropy, type DistributionRow } from './soft-cross-entropy.js';
import { topKKlLowerBound, type ListedAlternatives } from './top-k-kl-lower-bound.js';

/** What one side knows at one position: a full row, or its listed top-k, and the token that came next. */
export interface PositionView {
  full?: DistributionRow;
  listed?: ListedAlternatives;
  /** ln p of the token that came next (teacher-forced: the same token on both sides). */
  nextLogprob?: number;
}

/**
 * One position of a KL comparison of side A (the reference) with side B: KL(P_A ‖ P_B) exact when
 * both sides have full rows, else the top-k lower bound (a full row counts as listing every
 * token, by index, so the other side's tokens must be indices too); whether the most likely
 * tokens agree; Δp = p_B − p_A of the next token. Undefined when neither a full row nor a
 * listed top-k exists on both sides.
 */
export function positionKl(a: PositionView, b: PositionView): KlPosition | undefined {
  let kl: number;
  let exact: boolean;
  if (a.full !== undefined && b.full !== undefined) {
    if (a.full.values.length !== b.full.values.length) return undefined;
    kl = softCrossEntropy(a.full, b.full).kl;
    exact = true;
  } else {
    const la = a.listed ?? (a.full && listAll(a.full));
    const lb = b.listed ?? (b.full && listAll(b.full));
    if (la === undefined || lb === undefined) return undefined;
    kl = topKKlLowerBound(la, lb).lower;
    exact = false;
  }
  const position: KlPosition = { kl, exact };
  const ta = top1(a);
  const tb = top1(b);
  if (ta !== undefined && tb !== undefined) position.sameTop1 = ta === tb;
  if (a.nextLogprob !== undefined && b.nextLogprob !== undefined) position.deltaP = Math.exp(b.nextLogprob) - Math.exp(a.nextLogprob);
  return position;
}

function listAll(row: DistributionRow): ListedAlternatives {
  const lse = row.kind === 'logits' ? logSumExp(row.values) : 0;
  const logprobs = new Float64Array(row.values.length);
  const tokens = new Array<number>(row.values.length);
  for (let i = 0; i < row.values.length; i++) {
    const x = row.values[i] as number;
    logprobs[i] = row.kind === 'logits' ? x - lse : Math.log(x);
    tokens[i] = i;
  }
  return { tokens, logprobs };
}

/** The most likely token (the first of equals), by index for a full row, by identity for a list. */
function top1(view: PositionView): string | number | undefined {
  if (view.full !== undefined) return argmax(view.full.values);
  if (view.listed !== undefined && view.listed.tokens.length > 0) return view.listed.tokens[argmax(view.listed.logprobs)];
  return undefined;
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
