import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count, fixedFigure, place, significantFigure, where } from '../../src/reports/figure-format.js';

// Expected strings written by hand from the rules (toFixed(4) / toPrecision(4) / toExponential), not from the code.
describe('figure-format: the two named styles every report prints', () => {
  it('fixedFigure (xent report): four decimals, exponent form at 1e7 and up or below 1e-4', () => {
    expect([Math.PI, 2, 0, 1e-4, 9.99e-5, 1e7, 9_999_999.5, -0.5].map(fixedFigure)).toEqual([
      '3.1416',
      '2.0000',
      '0.0000',
      '0.0001',
      '9.9900e-5',
      '1.0000e+7',
      '9999999.5000',
      '-0.5000',
    ]);
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(fixedFigure)).toEqual(['-', '∞', '-∞']);
  });

  it('significantFigure (audit, compare, HTML): four significant digits, exponent form at 1e6 and up or below 1e-3', () => {
    expect([Math.PI, 2, 0, 1e-3, 9.99e-4, 1e6, 123_456.7, -0.5].map(significantFigure)).toEqual([
      '3.142',
      '2',
      '0',
      '0.001',
      '9.990e-4',
      '1.000e+6',
      '123500',
      '-0.5',
    ]);
    expect([null, undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(significantFigure)).toEqual(['—', '—', '—', '∞', '−∞']);
  });

  it('groups counts and says where a record was, long and short', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect([0, 7, 999, 1000, -1000, -999999, 100000, Number.MAX_SAFE_INTEGER, -0, 1.5, 1e21, 2 ** 53 + 2].map(count)).toEqual([
      '0', '7', '999', '1,000', '-1,000', '-999,999', '100,000', '9,007,199,254,740,991', '-0', '1.5', '1,000,000,000,000,000,000,000', '9,007,199,254,740,994',
    ]);
    expect(where({ file: 'a.jsonl', line: 3, element: 2 })).toBe('a.jsonl line 3 element 2');
    expect(where({ file: 'a.json', element: 4 })).toBe('a.json element 4');
    expect(place({ file: 'a.jsonl', line: 12 })).toBe('a.jsonl:12');
    expect(place({ file: 'a.json', element: 3 })).toBe('a.json[3]');
    expect(place({ file: 'a.json' })).toBe('a.json');
  });

  it('count groups whole numbers itself exactly as toLocaleString("en-US") does (it skips loading ICU for them)', () => {
    // The reference is the very call count() replaced; the property covers every size of number, sign and -0.
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double(), fc.constant(-0)), (n) => {
        expect(count(n)).toBe(n.toLocaleString('en-US'));
      }),
      { numRuns: 2000 },
    );
  });
});
