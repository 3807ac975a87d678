import type { Segment, TokenBatch } from '../../src/formats/scored-batch.js';

/** A TokenBatch from plain arrays, for tests. */
export function tokens(
  sequenceId: string,
  logprobs: number[],
  extra: { segment?: Segment; final?: boolean; bytes?: number[]; unscored?: number } = {},
): TokenBatch {
  const batch: TokenBatch = {
    kind: 'tokens',
    sequenceId,
    segment: extra.segment ?? 'completion',
    logprobs: Float64Array.from(logprobs),
    unscored: extra.unscored ?? 0,
    final: extra.final ?? true,
  };
  if (extra.bytes !== undefined) batch.bytes = Float64Array.from(extra.bytes);
  return batch;
}
