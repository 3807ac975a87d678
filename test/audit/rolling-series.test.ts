import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingSeries } from '../../src/audit/rolling-series.js';
import { SENTINELS } from '../../src/math/sentinels.js';

const sentinels: number[] = Object.values(SENTINELS);
const logprob = fc.oneof(
  { arbitrary: fc.double({ min: -30, max: 0, noNaN: true }), weight: 6 },
  { arbitrary: fc.constantFrom(...sentinels), weight: 1 },
);

/** The reference: one `add` per token, as the audit did before batches were added whole. */
function perToken(batches: number[][], exclude: boolean, block: number, points: number): RollingSeries {
  const series = new RollingSeries(block, points);
  for (const x of batches.flat()) if (!(exclude && sentinels.includes(x))) series.add(-x);
  return series;
}

describe('RollingSeries', () => {
  it('addBatch gives the points of one add per token, to the last bit, across block edges and halvings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(logprob, { maxLength: 30 }), { maxLength: 20 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom(2, 4, 8),
        (batches, exclude, block, points) => {
          const batched = new RollingSeries(block, points);
          for (const batch of batches) batched.addBatch(Float64Array.from(batch), exclude);
          // Plain sums are order-sensitive: equal doubles mean the same terms in the same order.
          expect(batched.toJSON()).toEqual(perToken(batches, exclude, block, points).toJSON());
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('opens no point for a batch whose tokens are all excluded sentinels', () => {
    const series = new RollingSeries(2, 4);
    series.addBatch(Float64Array.from([-1, -1]), true);
    series.addBatch(Float64Array.from([-9999, Number.NEGATIVE_INFINITY]), true);
    expect(series.toJSON()).toEqual([{ start: 0, tokens: 2, cross_entropy: 1 }]);
  });
});
