import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from '../../src/math/exact-sum.js';
import { exactSumReference } from '../helpers/exact-reference.js';

function sumOf(values: readonly number[]): number {
  const s = new ExactSum();
  for (const v of values) s.add(v);
  return s.value();
}

describe('ExactSum', () => {
  it('matches math.fsum on the classic cancellation cases', () => {
    // python3 -c "import math; print(math.fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]))" → 1e-100
    expect(sumOf([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50])).toBe(1e-100);
    // python3 -c "import math; print(math.fsum([0.1]*10))" → 1.0 (a naive loop gives 0.9999999999999999)
    expect(sumOf(Array(10).fill(0.1))).toBe(1.0);
    // python3 -c "import math; print(repr(math.fsum([1, 1e-16, 1e-16])))" → 1.0000000000000002
    expect(sumOf([1, 1e-16, 1e-16])).toBe(1.0000000000000002);
  });

  it('equals an independent BigInt reference on random NLL-like data', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { maxLength: 200 }), (xs) => {
        expect(sumOf(xs)).toBe(exactSumReference(xs));
      }),
    );
  });

  it('gives the same value in any order and under any split-and-merge', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 100 }),
        fc.nat(),
        (xs, cut) => {
          const at = cut % (xs.length + 1);
          const a = new ExactSum();
          const b = new ExactSum();
          xs.slice(0, at).forEach((x) => a.add(x));
          xs.slice(at).reverse().forEach((x) => b.add(x));
          a.merge(b);
          expect(a.value()).toBe(sumOf(xs));
          expect(a.value()).toBe(exactSumReference(xs));
        },
      ),
    );
  });

  it('serialises to JSON and back exactly, and keeps going from there', () => {
    const s = new ExactSum();
    [1e16, 1, 1, 1, 0.1, 1e-300].forEach((x) => s.add(x));
    const restored = ExactSum.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(restored.value()).toBe(s.value());
    restored.add(-1e16);
    // exact: 3 + 0.1 + 1e-300 rounds to 3.1
    expect(restored.value()).toBe(exactSumReference([3, 0.1, 1e-300]));
  });

  it('keeps infinities and NaN apart from the finite partials', () => {
    const s = new ExactSum();
    s.add(1);
    s.add(Number.POSITIVE_INFINITY);
    expect(s.value()).toBe(Number.POSITIVE_INFINITY);
    s.add(Number.NEGATIVE_INFINITY);
    expect(s.value()).toBeNaN();
    const t = new ExactSum();
    t.add(1.7e308);
    t.add(1.7e308);
    expect(t.value()).toBe(Number.POSITIVE_INFINITY);
  });

  it('is 0 when empty', () => {
    expect(new ExactSum().value()).toBe(0);
  });
});
