import type { TokenBatch } from '../formats/scored-batch.js';
import type { TokenDetail } from './sequence-scores.js';

/**
 * Token `i` of a batch as the heat-map shows it: its text ('' where the record has none), its
 * logprob and, where the batch was decoded with detail, its alternatives. One function for the
 * one-pass audit and the re-read of the second pass (DetailReread), so both give the same detail.
 */
export function tokenDetail(batch: TokenBatch, i: number): TokenDetail {
  const token: TokenDetail = { text: batch.tokens?.[i] ?? '', logprob: batch.logprobs[i] as number };
  const alternatives = batch.alternatives;
  const alts = alternatives?.logprobs[i];
  if (alts !== undefined) token.alternatives = Array.from(alts, (lp, j) => ({ text: alternatives?.texts[i]?.[j] ?? '', logprob: lp }));
  return token;
}
