import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSum } from '../../src/math/exact-sum.js';
import { exactSumReference } from '../helpers/exact-reference.js';

/**
 * ExactSum's fixed-point limbs (taken over after 128 adds, so that long sums of logprobs cost a
 * constant few ns an add): every value, merge and checkpoint must be what the partials alone give,
 * checked against the BigInt reference in test/helpers/exact-reference.ts.
 */
function sumOf(values: readonly number[]): ExactSum {
  const s = new ExactSum();
  for (const v of values) s.add(v);
  return s;
}

/** Doubles of every magnitude a double has, both signs, subnormals included. */
const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
const logprobLike = fc.double({ min: -20, max: 0, noNaN: true });

describe('ExactSum beyond 128 adds (limbs)', () => {
  it('equals the BigInt reference on long sums of any doubles', () => {
    fc.assert(
      fc.property(fc.array(anyFinite, { minLength: 129, maxLength: 600 }), (xs) => {
        expect(sumOf(xs).value()).toBe(exactSumReference(xs));
      }),
      { numRuns: 200 },
    );
  });

  it('equals the BigInt reference on long sums of logprobs, their negations and squares', () => {
    fc.assert(
      fc.property(fc.array(logprobLike, { minLength: 200, maxLength: 2000 }), (xs) => {
        expect(sumOf(xs.map((x) => -x)).value()).toBe(exactSumReference(xs.map((x) => -x)));
        expect(sumOf(xs.map((x) => x * x)).value()).toBe(exactSumReference(xs.map((x) => x * x)));
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same value in any order and under any split, merge and checkpoint', () => {
    fc.assert(
      fc.property(fc.array(anyFinite, { minLength: 130, maxLength: 400 }), fc.nat(), (xs, cut) => {
        const at = cut % (xs.length + 1);
        const a = sumOf(xs.slice(0, at));
        const b = sumOf(xs.slice(at).reverse());
        const restored = ExactSum.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
        restored.merge(b);
        expect(restored.value()).toBe(exactSumReference(xs));
        expect(a.clone().value()).toBe(a.value());
      }),
      { numRuns: 200 },
    );
  });

  it('keeps going exactly after it is read (reading folds the limbs, it does not end them)', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => -Math.log((i + 1) / 1001));
    const s = new ExactSum();
    xs.forEach((x, i) => {
      s.add(x);
      if (i % 97 === 0) expect(s.value()).toBe(exactSumReference(xs.slice(0, i + 1)));
    });
    expect(s.value()).toBe(exactSumReference(xs));
  });

  it('stays exact past 2^20 adds, where the limbs are folded before they could overflow 2^53', () => {
    // x = 4 − 2^-51 puts its all-ones mantissa at a shift of 31 bits, so the middle limb gets
    // 2^32 − 1 per add: 3·2^20 adds would take it to 3·2^52, past what a double holds exactly.
    const x = 4 - 2 ** -51;
    const n = 3 * 2 ** 20;
    const s = new ExactSum();
    for (let i = 0; i < n; i++) s.add(x);
    // n·x, exact in BigInt: x = (2^53 − 1)·2^-51; Number() rounds once, to nearest even.
    const exact = Number(BigInt(n) * (2n ** 53n - 1n)) / 2 ** 51;
    expect(s.value()).toBe(exact);
  });

  it('keeps infinities, NaN, huge values (past 2^877) and zeros apart from the limbs, as before', () => {
    const s = sumOf(Array.from({ length: 200 }, () => 1));
    s.add(1e300);
    s.add(-1e300);
    s.add(-0);
    s.add(5e-324);
    expect(s.value()).toBe(200);
    s.add(Number.POSITIVE_INFINITY);
    expect(s.value()).toBe(Number.POSITIVE_INFINITY);
    s.add(Number.NaN);
    expect(s.value()).toBeNaN();
    expect(sumOf(Array.from({ length: 300 }, () => -0)).value()).toBe(0);
  });

  it('empties with clear() and sums again from zero', () => {
    const s = sumOf(Array.from({ length: 500 }, (_, i) => i * 0.1));
    s.clear();
    expect(s.value()).toBe(0);
    const xs = Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
    xs.forEach((x) => s.add(x));
    expect(s.value()).toBe(exactSumReference(xs));
  });
});
