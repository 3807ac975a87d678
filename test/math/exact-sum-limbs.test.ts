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

/**
 * The split tier in front of the limbs (|x| ≤ 2^14, three fixed grids, the rest to the limbs).
 * These sums are too long for the BigInt reference's spread, so their terms are integers times a
 * power of two, whose exact sum BigInt gives directly (Number(bigint) rounds once, to nearest
 * even, and scaling by a power of two is exact here).
 */
describe('ExactSum split tier', () => {
  /** A seeded integer in [−2^53, 2^53). */
  function seededIntegers(seed: number, n: number): bigint[] {
    let state = BigInt(seed);
    const out: bigint[] = [];
    for (let i = 0; i < n; i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      out.push((state >> 10n) - (1n << 53n));
    }
    return out;
  }

  it('is exact for terms on every grid, near its 2^14 bound and under 2^-87, past the point where it empties', () => {
    const n = 2 ** 19 + 12_345;
    // Terms of three kinds, interleaved: k·2^-39 (up to 2^14), k·2^-60, and k·2^-100 (below
    // 2^-47, whose lowest bits fall under the last grid and go to the limbs).
    const scales = [61n, 40n, 0n];
    const ks = seededIntegers(11, n);
    const s = new ExactSum();
    let total = 0n;
    for (let i = 0; i < n; i++) {
      const k = ks[i] as bigint;
      const kind = i % 3;
      s.add(Number(k) * 2 ** [-39, -60, -100][kind]!);
      total += k << (scales[kind] as bigint);
    }
    expect(s.value()).toBe(Number(total) * 2 ** -100);
  });

  it('empties its sums before they could round: 2^21 − 1 terms just above −2^14', () => {
    // x = −2^14 + 2^-19 lies on grid 1 (its piece is x itself), and n·x for odd n needs 2^35 down
    // to 2^-19, 54 bits: a grid-1 sum left to grow past 2^18 terms would round.
    const x = -(2 ** 14) + 2 ** -19;
    const n = 2 ** 21 - 1;
    const exactTimes = (m: number) => Number(BigInt(m) * (1n - 2n ** 33n)) * 2 ** -19;
    const s = new ExactSum();
    for (let i = 0; i < n; i++) s.add(x);
    expect(s.value()).toBe(exactTimes(n));
    // Split, read, checkpointed and merged: the same.
    const a = new ExactSum();
    const b = new ExactSum();
    for (let i = 0; i < (n - 1) / 2; i++) a.add(x), b.add(x);
    b.add(x);
    expect(a.value()).toBe(exactTimes((n - 1) / 2));
    const restored = ExactSum.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    restored.merge(b);
    expect(restored.value()).toBe(exactTimes(n));
  });

  it('keeps the bits under its last grid (2^-87): terms with a piece there, where the sum is small enough to show it', () => {
    // 2^-40 + 2^-92 is a double (52 bits apart); the 2^-92 piece goes to the limbs. 400 of
    // them sum to about 2^-31.4, whose last bit (2^-84) the 400·2^-92 part moves.
    const x = 2 ** -40 + 2 ** -92;
    const s = sumOf(Array.from({ length: 400 }, () => x));
    expect(s.value()).toBe(Number(400n * (2n ** 52n + 1n)) * 2 ** -92);
    expect(s.value()).not.toBe(400 * 2 ** -40);
  });

  it('passes what it cannot take to the limbs: just over 2^14, huge, tiny, subnormal, non-finite', () => {
    const xs = [...Array.from({ length: 200 }, (_, i) => -Math.log((i + 1) / 201)), 2 ** 14, 2 ** 14 + 2 ** -38, -(2 ** 14) - 1, 1e300, -1e300, 3e-12, 1e-300, 5e-324, -0];
    const s = sumOf(xs);
    expect(s.value()).toBe(exactSumReference(xs));
    s.add(Number.NEGATIVE_INFINITY);
    expect(s.value()).toBe(Number.NEGATIVE_INFINITY);
  });
});

