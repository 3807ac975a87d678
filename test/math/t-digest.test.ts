import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/math/paired-bootstrap.js';
import { TDigest } from '../../src/math/t-digest.js';

/** Reference: numpy's default (type-7, linear) quantile of the sorted values, computed exactly here. */
function exactQuantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

/** Seeded uniform, so the data set is the same on every run. */
const random = mulberry32;

/** Log-normal perplexities (skewed, like per-sequence perplexity), by Box-Muller. */
function logNormal(n: number, seed: number): Float64Array {
  const rand = random(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    out[i] = Math.exp(2 + 0.8 * z);
  }
  return out;
}

const QS = [0.01, 0.1, 0.5, 0.9, 0.99, 0.999];

describe('TDigest', () => {
  it('is within 1% of the exact quantile on 200,000 skewed values', () => {
    const values = logNormal(200_000, 7);
    const digest = new TDigest();
    for (const v of values) digest.add(v);
    const sorted = values.slice().sort();
    for (const q of QS) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(digest.quantile(q) - exact) / exact, `q=${q}`).toBeLessThan(0.01);
    }
    expect(digest.min).toBe(sorted[0]);
    expect(digest.max).toBe(sorted[sorted.length - 1]);
    expect(digest.count).toBe(200_000);
  });

  it('merging 17 digests of shards stays within 1%, as one digest of everything', () => {
    const values = logNormal(100_000, 11);
    const shards = Array.from({ length: 17 }, () => new TDigest());
    values.forEach((v, i) => shards[i % 17]?.add(v));
    const merged = new TDigest();
    for (const s of shards) merged.merge(s);
    const sorted = values.slice().sort();
    for (const q of QS) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(merged.quantile(q) - exact) / exact, `q=${q}`).toBeLessThan(0.01);
    }
    expect(merged.count).toBe(100_000);
  });

  it('is exact (type-7) while every centroid holds one value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
        const digest = new TDigest(100);
        for (const x of xs) digest.add(x);
        const exact = exactQuantile(Float64Array.from(xs).sort(), q);
        expect(digest.quantile(q)).toBeCloseTo(exact, 6);
      }),
    );
  });

  it('round-trips through JSON and keeps memory bounded by the compression', () => {
    const digest = new TDigest(100);
    for (const v of logNormal(50_000, 3)) digest.add(v);
    const state = digest.toJSON();
    expect(state.means.length).toBeLessThan(200);
    const back = TDigest.fromJSON(JSON.parse(JSON.stringify(state)));
    for (const q of QS) expect(back.quantile(q)).toBe(digest.quantile(q));
  });

  it('answers NaN when empty and rejects q outside [0, 1] and a tiny compression', () => {
    expect(new TDigest().quantile(0.5)).toBeNaN();
    expect(() => new TDigest().quantile(1.5)).toThrow(/`q`/);
    expect(() => new TDigest(2)).toThrow(/`compression`/);
  });
});
