import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PositionBuckets } from '../../src/audit/position-buckets.js';
import { SENTINELS } from '../../src/math/sentinels.js';

const sentinels: number[] = Object.values(SENTINELS);
/** Logprobs as dumps have them, with a sentinel now and then. */
const logprob = fc.oneof(
  { arbitrary: fc.double({ min: -30, max: 0, noNaN: true }), weight: 8 },
  { arbitrary: fc.constantFrom(...sentinels), weight: 1 },
);
/** One sequence: where its first batch starts (the last bucket opens at 2^20), then its batches. */
const sequence = fc.record({
  start: fc.constantFrom(0, 1, 3, 1000, 2 ** 20 - 7),
  batches: fc.array(fc.array(logprob, { maxLength: 40 }), { maxLength: 8 }),
});

/** The reference: one `add` per token, as the audit did before batches were added whole. */
function perToken(sequences: { start: number; batches: number[][] }[], exclude: boolean): PositionBuckets {
  const buckets = new PositionBuckets();
  for (const { start, batches } of sequences) {
    let position = start;
    for (const x of batches.flat()) {
      const p = position++;
      if (exclude && sentinels.includes(x)) continue;
      buckets.add(p, -x);
    }
  }
  return buckets;
}

describe('PositionBuckets', () => {
  it('addBatch gives the buckets of one add per token, to the last bit, with or without sentinels excluded', () => {
    fc.assert(
      fc.property(fc.array(sequence, { maxLength: 6 }), fc.boolean(), (sequences, exclude) => {
        const batched = new PositionBuckets();
        for (const { start, batches } of sequences) {
          let first = start;
          for (const batch of batches) {
            batched.addBatch(first, Float64Array.from(batch), exclude);
            first += batch.length;
          }
        }
        // toEqual compares numbers with Object.is: every mean must be the same double.
        expect(batched.toJSON()).toEqual(perToken(sequences, exclude).toJSON());
      }),
      { numRuns: 500 },
    );
  });

  it('splits a batch at bucket edges: positions 0, 1, 2–3, 4–7', () => {
    const buckets = new PositionBuckets();
    buckets.addBatch(0, Float64Array.from([-1, -2, -3, -5, -4, -4, -4, -4]), false);
    expect(buckets.toJSON()).toEqual([
      { from: 0, to: 1, tokens: 1, cross_entropy: 1 },
      { from: 1, to: 2, tokens: 1, cross_entropy: 2 },
      { from: 2, to: 4, tokens: 2, cross_entropy: 4 },
      { from: 4, to: 8, tokens: 4, cross_entropy: 4 },
    ]);
  });
});
