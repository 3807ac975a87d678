import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestDouble } from '../../src/fast/nearest-double.js';

/**
 * The decimal `text` (digits, one optional point, no sign or exponent) as nearestDouble takes it:
 * the first (digits − 8) significant digits, the last 8, and s, the power of ten to divide by.
 */
function parts(text: string): { high: number; low: number; s: number; digits: number } {
  const point = text.indexOf('.');
  const s = point < 0 ? 0 : text.length - point - 1;
  const all = text.replace('.', '').replace(/^0+/, '');
  const split = all.length - 8;
  return { high: Number(all.slice(0, split) || '0'), low: Number(all.slice(split)), s, digits: all.length };
}

/** nearestDouble on `text`, checked against JSON.parse (the reference); true when it decided. */
function decides(text: string): boolean {
  const { high, low, s } = parts(text);
  const v = nearestDouble(high, low, s);
  if (Number.isNaN(v)) return false;
  expect(Object.is(v, JSON.parse(text)), text).toBe(true);
  return true;
}

/** A decimal with `digits` significant digits and the point placed so that s = `s`. */
function decimal(digitsText: string, s: number): string {
  const padded = digitsText.padStart(s + 1, '0');
  return `${padded.slice(0, padded.length - s)}.${padded.slice(padded.length - s)}`;
}

describe('nearestDouble', () => {
  it('rounds as JSON.parse on the full-precision reprs of logprob-sized doubles, and declines almost none', () => {
    let decided = 0;
    let tried = 0;
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), (x) => {
        // String(x) is the shortest repr that reads back as x, as Python's repr; 16–17 digits mostly.
        const text = x.toFixed(20).replace(/0+$/, '');
        const repr = String(x);
        if (/e/.test(repr)) return;
        const { digits, s } = parts(repr);
        if (digits < 16 || digits > 18 || s < 1 || s > 21) return;
        tried++;
        if (decides(repr)) decided++;
        expect(text.length).toBeGreaterThan(0);
      }),
      { numRuns: 20000 },
    );
    expect(tried).toBeGreaterThan(10000);
    // Declines are the binade edges only: a few in a million.
    expect(decided / tried).toBeGreaterThan(0.999);
  });

  it('rounds random 16–18 digit decimals (not reprs: anywhere between doubles) as JSON.parse', () => {
    const digit = fc.constantFrom(...'0123456789');
    let decided = 0;
    fc.assert(
      fc.property(fc.constantFrom(...'123456789'), fc.string({ unit: digit, minLength: 15, maxLength: 17 }), fc.integer({ min: 1, max: 21 }), (first, rest, s) => {
        if (decides(decimal(first + rest, s))) decided++;
      }),
      { numRuns: 20000 },
    );
    // Declined: quotients above 2^52 (k > 0, s of 1 or 2 with 17–18 digits) and binade edges.
    expect(decided).toBeGreaterThan(18000);
  });

  it('breaks exact ties to even, as JSON.parse, and declines where the spacing of doubles changes', () => {
    // Halfway cases need k = 0 (see the file's comment): values near 2^52–2^53 with one or two
    // decimals. 2^53 + 1 = 9007199254740993 is halfway between 2^53 and 2^53 + 2.
    for (const text of ['4503599627370497.5', '4503599627370498.5', '9007199254740991.5', '9007199254740990.5', '6755399441055744.5', '6755399441055745.5', '4503599627370496.25', '4503599627370496.75']) {
      const { high, low, s } = parts(text);
      const v = nearestDouble(high, low, s);
      if (!Number.isNaN(v)) expect(Object.is(v, JSON.parse(text)), text).toBe(true);
    }
    // Just below a power of two p, 0.7 of the spacing below it (p·2^-54 for p = 0.5): the nearest
    // double is the one below p, though in the spacing above p it would round up to p.
    for (const text of ['0.499999999999999961', '0.999999999999999922', '0.249999999999999981', '1.99999999999999984']) {
      const { high, low, s } = parts(text);
      const v = nearestDouble(high, low, s);
      expect(Number.isNaN(v) || Object.is(v, JSON.parse(text)), text).toBe(true);
    }
    // Just below a power of two, where the doubles below are twice as dense: declined or right.
    for (const x of [0.5, 0.25, 1, 2, 0.125, 1 / 1024]) {
      for (const text of [(x * (1 - 2 ** -54)).toFixed(18), (x * (1 - 2 ** -53)).toFixed(18), (x * (1 + 2 ** -53)).toFixed(18)]) {
        const { high, low, s, digits } = parts(text.replace(/0+$/, ''));
        if (digits < 16 || digits > 18 || s > 21) continue;
        const v = nearestDouble(high, low, s);
        if (!Number.isNaN(v)) expect(Object.is(v, JSON.parse(text)), text).toBe(true);
      }
    }
  });

  it('rounds the e-notation reprs of small doubles (s of 22 to 44) as JSON.parse, and declines almost none', () => {
    let decided = 0;
    let tried = 0;
    fc.assert(
      fc.property(fc.double({ min: 1e-27, max: 1e-5, noNaN: true }), (x) => {
        // "1.1920928244535389e-7": the digits, and s = fraction digits + the exponent's size.
        const match = /^(\d)\.(\d+)e-(\d+)$/.exec(String(x));
        if (match === null) return;
        const [, unit = '', fraction = '', exponent = ''] = match;
        const digits = unit + fraction;
        const s = fraction.length + Number(exponent);
        if (digits.length < 16 || digits.length > 18 || s < 22 || s > 44) return;
        tried++;
        const split = digits.length - 8;
        const v = nearestDouble(Number(digits.slice(0, split)), Number(digits.slice(split)), s);
        if (Number.isNaN(v)) return;
        decided++;
        expect(Object.is(v, JSON.parse(String(x))), String(x)).toBe(true);
      }),
      { numRuns: 20000 },
    );
    expect(tried).toBeGreaterThan(10000);
    expect(decided / tried).toBeGreaterThan(0.999);
  });

  it('rounds random 16–18 digit decimals over 10^22 to 10^44 as JSON.parse', () => {
    const digit = fc.constantFrom(...'0123456789');
    let decided = 0;
    fc.assert(
      fc.property(fc.constantFrom(...'123456789'), fc.string({ unit: digit, minLength: 15, maxLength: 17 }), fc.integer({ min: 22, max: 44 }), (first, rest, s) => {
        if (decides(decimal(first + rest, s))) decided++;
      }),
      { numRuns: 20000 },
    );
    expect(decided).toBeGreaterThan(19900);
  });

  it('declines or rounds right just below a power of two in e-notation (s of 22 and more)', () => {
    // 2^-k·(1 − 0.7·2^-53) to 18 digits (Python's decimal module, 60 digits of precision): the
    // nearest double is the one below 2^-k, as JSON.parse says; in the spacing above 2^-k it
    // would round up to 2^-k.
    for (const [text, k] of [
      ['5.96046447753906204e-8', 24],
      ['9.53674316406249926e-7', 20],
      ['9.31322574615478443e-10', 30],
      ['9.09494701772928167e-13', 40],
      ['8.67361737988403480e-19', 60],
    ] as const) {
      const [unit = '', rest = ''] = text.split('e')[0]?.split('.') ?? [];
      const digits = unit + rest;
      const s = rest.length - Number(text.split('e')[1]);
      const v = nearestDouble(Number(digits.slice(0, digits.length - 8)), Number(digits.slice(digits.length - 8)), s);
      expect(JSON.parse(text)).toBe(2 ** -k * (1 - 2 ** -53));
      expect(Number.isNaN(v) || Object.is(v, JSON.parse(text)), text).toBe(true);
    }
  });

  it('declines what it was not made for: more than 18 digits, s outside 1–44, huge quotients', () => {
    expect(nearestDouble(1e10, 0, 5)).toBeNaN();
    expect(nearestDouble(12345678, 12345678, 0)).toBeNaN();
    expect(nearestDouble(12345678, 12345678, 45)).toBeNaN();
    expect(Object.is(nearestDouble(12345678, 12345678, 21), JSON.parse('0.000001234567812345678'))).toBe(true);
    expect(Object.is(nearestDouble(12345678, 12345678, 22), JSON.parse('0.0000001234567812345678'))).toBe(true);
    // 999999999999999999 / 10 is above 2^53: k > 0.
    expect(nearestDouble(9999999999, 99999999, 1)).toBeNaN();
    expect(Object.is(nearestDouble(99999999, 99999999, 1), JSON.parse('999999999999999.9'))).toBe(true);
  });
});
