import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenWindow } from '../../src/aggregate/token-window.js';
import type { TokenBatch } from '../../src/formats/scored-batch.js';

const batch = (logprobs: number[], bytes?: number[]): TokenBatch => ({
  kind: 'tokens',
  sequenceId: 's',
  segment: 'completion',
  unscored: 0,
  final: false,
  logprobs: Float64Array.from(logprobs),
  ...(bytes === undefined ? {} : { bytes: Float64Array.from(bytes) }),
});

describe('TokenWindow checkpoint state', () => {
  it('a window taken up from its state reports what the original reports (JSON round trip, -Infinity and unknown bytes included)', () => {
    const token = fc.record({ lp: fc.oneof(fc.integer({ min: -40, max: 0 }).map((k) => k / 4), fc.constant(Number.NEGATIVE_INFINITY)), b: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(Number.NaN)) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(token, { maxLength: 40 }), (size, tokens) => {
        const original = new TokenWindow(size);
        for (const t of tokens) original.add(batch([t.lp], [t.b]));
        const restored = new TokenWindow(size);
        restored.load(JSON.parse(JSON.stringify(original.toJSON())));
        expect(restored.metrics()).toEqual(original.metrics());
        // And both go on alike.
        original.add(batch([-1.5], [3]));
        restored.add(batch([-1.5], [3]));
        expect(restored.metrics()).toEqual(original.metrics());
      }),
    );
  });

  it('keeps the newest tokens, oldest first, when taken up by a smaller window', () => {
    const big = new TokenWindow(5);
    big.add(batch([-1, -2, -3, -4, -5, -6], [1, 1, 1, 1, 1, 1]));
    expect(big.toJSON().nll).toEqual([2, 3, 4, 5, 6]);
    const small = new TokenWindow(2);
    small.load(big.toJSON());
    // The last two tokens: nll 5 + 6 = 11 nats over 2 tokens (by hand).
    expect(small.metrics()).toMatchObject({ tokens: 2, nll: 11, cross_entropy: 5.5 });
  });
});
