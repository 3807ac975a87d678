import { expect } from 'vitest';
import type { DecodeContext, FormatAdapter } from '../../src/formats/adapter.js';
import type { TokenBatch } from '../../src/formats/scored-batch.js';
import { asTokenBatches } from './as-token-batches.js';

/**
 * Decodes `record` without and with `detail: 'full'` and returns the detailed batches, after
 * checking what detail must not change: the plain batches have no `alternatives` field at all, and
 * the detailed ones are the plain ones plus that field (every other field deep-equal).
 */
export function decodeWithDetail(adapter: FormatAdapter, record: unknown, context: DecodeContext): TokenBatch[] {
  const plain = asTokenBatches(adapter.decode(record, context));
  const detailed = asTokenBatches(adapter.decode(record, { ...context, detail: 'full' }));
  for (const batch of plain) expect(Object.keys(batch)).not.toContain('alternatives');
  for (const batch of detailed) expect(batch.alternatives?.texts).toHaveLength(batch.logprobs.length);
  expect(detailed.map(({ alternatives: _alternatives, ...rest }) => rest)).toEqual(plain);
  return detailed;
}

/** A batch's alternatives as [text, logprob] pairs per scored token (plain arrays, for toEqual). */
export function alternativePairs(batch: TokenBatch | undefined): [string, number][][] {
  const alternatives = batch?.alternatives;
  if (alternatives === undefined) throw new Error('expected the batch to have alternatives');
  return alternatives.texts.map((texts, i) => texts.map((text, j): [string, number] => [text, alternatives.logprobs[i]?.[j] as number]));
}
