import type { TokenBatch } from '../formats/scored-batch.js';
import type { PositionView } from '../math/position-kl.js';

/**
 * What `compare --kl` can know at each scored position of a batch (decoded with rows and detail):
 * - a full row (xent-distribution's logits or probs), with the next token's logprob unless the record scored soft
 *   targets (its logprobs are then −H(P, Q));
 * - else the listed top-k alternatives by token text, plus the scored token itself when it is not among them (its
 *   probability is known on both sides too, so the bound may only tighten). A listing with a token of no text (a
 *   format that gives logprobs only, like xent-sequence's top_logprobs) cannot be matched across sides, so it is
 *   not used;
 * - else only the next token's logprob.
 */
export function positionViews(batch: TokenBatch): PositionView[] {
  const n = batch.logprobs.length;
  const views = new Array<PositionView>(n);
  const d = batch.distribution;
  for (let i = 0; i < n; i++) {
    const next = batch.logprobs[i] as number;
    if (d !== undefined) {
      const values = d.rows[i];
      views[i] = values === undefined ? { nextLogprob: next } : { full: { kind: d.kind, values }, ...(d.softTargets ? {} : { nextLogprob: next }) };
      continue;
    }
    const texts = batch.alternatives?.texts[i];
    const logprobs = batch.alternatives?.logprobs[i];
    if (texts === undefined || logprobs === undefined || texts.length === 0 || texts.includes('')) {
      views[i] = { nextLogprob: next };
      continue;
    }
    const token = batch.tokens?.[i];
    if (token === undefined || token === '' || texts.includes(token)) {
      views[i] = { listed: { tokens: texts, logprobs }, nextLogprob: next };
      continue;
    }
    const withToken = new Float64Array(logprobs.length + 1);
    withToken.set(logprobs);
    withToken[logprobs.length] = next;
    views[i] = { listed: { tokens: [...texts, token], logprobs: withToken }, nextLogprob: next };
  }
  return views;
}
