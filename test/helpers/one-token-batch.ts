import { expect } from 'vitest';
import type { ScoredItem, TokenBatch } from '../../src/formats/scored-batch.js';

/** The single token batch an adapter decoded from one record. */
export function oneTokenBatch(items: ScoredItem[]): TokenBatch {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item?.kind !== 'tokens') throw new Error('expected a token batch');
  return item;
}
