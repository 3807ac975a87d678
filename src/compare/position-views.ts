import type { TokenBatch } from '../formats/scored-batch.js';
import type { PositionView } from '../math/position-kl.js';

/** One position as compare --kl keeps it: what positionKl reads, and the next token's text where the format gives it. */
export interface ComparedView extends PositionView {
  /** The token that came next, to check both sides scored the same text (teacher-forced). */
  token?: string;
}

/**
 * What `compare --kl` can know at each scored position of a batch (decoded with rows and detail):
 * - a full row (xent-distribution's logits or probs), with the next token's logprob unless the record scored soft
 *   targets (its logprobs are then −H(P, Q));
 * - else the listed top-k alternatives by token text, plus the scored token itself when it is not among them (its
 *   probability is known on both sides too, so the bound may only tighten). A listing with a token of no text (a
 *   format that gives logprobs only, like xent-sequence's top_logprobs) cannot be matched across sides, so it is
 *   not used;
 * - else only the next token's logprob.
 * Each view also carries the next token's text when the batch has it.
 */
export function positionViews(batch: TokenBatch): ComparedView[] {
  const n = batch.logprobs.length;
  const views = new Array<ComparedView>(n);
  for (let i = 0; i < n; i++) {
    const view = viewAt(batch, i);
    const token = batch.tokens?.[i];
    if (token !== undefined && token !== '') view.token = token;
    views[i] = view;
  }
  return views;
}

function viewAt(batch: TokenBatch, i: number): ComparedView {
  const d = batch.distribution;
  const next = batch.logprobs[i] as number;
  if (d !== undefined) {
    const values = d.rows[i];
    return values === undefined ? { nextLogprob: next } : { full: { kind: d.kind, values }, ...(d.softTargets ? {} : { nextLogprob: next }) };
  }
  const texts = batch.alternatives?.texts[i];
  const logprobs = batch.alternatives?.logprobs[i];
  if (texts === undefined || logprobs === undefined || texts.length === 0 || texts.includes('')) return { nextLogprob: next };
  const token = batch.tokens?.[i];
  if (token === undefined || token === '' || texts.includes(token)) return { listed: { tokens: texts, logprobs }, nextLogprob: next };
  const withToken = new Float64Array(logprobs.length + 1);
  withToken.set(logprobs);
  withToken[logprobs.length] = next;
  return { listed: { tokens: [...texts, token], logprobs: withToken }, nextLogprob: next };
}
