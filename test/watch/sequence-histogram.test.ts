import { describe, expect, it } from 'vitest';
import { SequenceHistogram } from '../../src/watch/sequence-histogram.js';

describe('SequenceHistogram', () => {
  it('counts each value in the first bucket whose bound is at or above it, cumulates like Prometheus, and sums exactly', () => {
    const h = new SequenceHistogram([1, 2, 4]);
    // 0.5 and 1 (le=1, bounds are inclusive), 1.5 (le=2), 3 (le=4), 9 (+Inf only); NaN is not a sequence figure.
    for (const x of [0.5, 1, 1.5, 3, 9, Number.NaN]) h.observe(x);
    expect(h.counts).toEqual([2, 1, 1]);
    expect(h.cumulative()).toEqual([2, 3, 4]);
    expect(h.count).toBe(5);
    // By hand: 0.5 + 1 + 1.5 + 3 + 9 = 15.
    expect(h.total()).toBe(15);
    // 0.1 + 0.2 + 0.3 in floating point is 0.6000000000000001; math.fsum gives 0.6.
    const exact = new SequenceHistogram([1]);
    for (const x of [0.1, 0.2, 0.3]) exact.observe(x);
    expect(exact.total()).toBe(0.6);
  });

  it('an infinite cross-entropy lands in +Inf only and makes the sum +Inf, across a save and restore', () => {
    const h = new SequenceHistogram();
    h.observe(2);
    h.observe(Number.POSITIVE_INFINITY);
    const back = SequenceHistogram.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.count).toBe(2);
    expect(back.cumulative()).toEqual(h.cumulative());
    expect(back.total()).toBe(Number.POSITIVE_INFINITY);
  });

  it('a state saved with other bounds starts over rather than mislabel its counts', () => {
    const other = new SequenceHistogram([1, 2]);
    other.observe(1);
    expect(SequenceHistogram.fromJSON(other.toJSON()).count).toBe(0);
  });
});
