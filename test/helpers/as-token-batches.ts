import type { ScoredItem, TokenBatch } from '../../src/formats/scored-batch.js';

/** The items an adapter decoded, which must all be token batches (throws naming the first other kind). */
export function asTokenBatches(items: ScoredItem[]): TokenBatch[] {
  return items.map((item) => {
    if (item.kind !== 'tokens') throw new Error(`expected token batches, got ${item.kind}`);
    return item;
  });
}
