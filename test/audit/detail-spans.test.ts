import { describe, expect, it } from 'vitest';
import { addToFingerprint, DetailSpans } from '../../src/audit/detail-spans.js';

const at = (offset: number, line: number, element?: number) => ({ file: 'f.jsonl', offset, line, element });
const lp = (...xs: number[]) => Float64Array.from(xs);

describe('DetailSpans', () => {
  it('keeps the records that place the first `limit` tokens, and no more', () => {
    const spans = new DetailSpans(2, 5);
    spans.note(at(0, 1), lp(-1, -2), false);
    spans.note(at(10, 2), lp(), false); // no token: nothing to read again
    spans.note(at(20, 3), lp(-3, -4, -5), false); // reaches 5
    spans.note(at(40, 4), lp(-6), false); // past the heat-map
    expect(spans.input).toBe(2);
    // Sums by hand: -1 + -2 = -3; -3 + -4 + -5 = -12.
    expect(spans.spans).toEqual([
      { offset: 0, line: 1, element: undefined, tokens: 2, sum: -3 },
      { offset: 20, line: 3, element: undefined, tokens: 3, sum: -12 },
    ]);
  });

  it("adds a record's later batch (its other segment) to that record's fingerprint, even past the limit", () => {
    const spans = new DetailSpans(0, 1);
    spans.note(at(7, 2, 1), lp(-0.5), false);
    spans.note(at(7, 2, 1), lp(-0.25, -0.125), false);
    spans.note(at(7, 2, 2), lp(-9), false); // the next element of the line is another record
    expect(spans.spans).toEqual([{ offset: 7, line: 2, element: 1, tokens: 3, sum: -0.875 }]);
  });

  it('leaves excluded sentinels out of the count and sum, and skips a record of nothing else', () => {
    const spans = new DetailSpans(0, 10);
    spans.note(at(0, 1), lp(-9999, -100), true);
    spans.note(at(5, 2), lp(-1, -9999, -2), true);
    expect(spans.spans).toEqual([{ offset: 5, line: 2, element: undefined, tokens: 2, sum: -3 }]);
    const included = { tokens: 0, sum: 0 };
    addToFingerprint(included, lp(-1, -9999, -2), false);
    expect(included).toEqual({ tokens: 3, sum: -10002 });
  });

  it('refuses a record without a line offset (a streamed document), which cannot be read again', () => {
    expect(() => new DetailSpans(0, 3).note({ file: 'doc.json', element: 4 }, lp(-1), false)).toThrow(/without a line offset/);
  });
});
