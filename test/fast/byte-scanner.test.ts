import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteScanner } from '../../src/fast/byte-scanner.js';

/** A scanner over `text` followed by an LF, as the line framer hands lines over. */
function scannerOf(text: string): ByteScanner {
  const buf = Buffer.from(`${text}\n`);
  const s = new ByteScanner();
  s.reset(buf, buf.length - 1);
  return s;
}

/** The number at the start of `text` as the scanner reads it, or undefined if it rejects it. */
function number(text: string): number | undefined {
  const s = scannerOf(text);
  const end = s.number(0);
  return end === text.length ? s.value : undefined;
}

/** JSON.parse's reading, or undefined where it throws. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

describe('ByteScanner.number', () => {
  it('rounds exactly as JSON.parse on every way a double is printed', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 21 }), (x, digits) => {
        for (const text of [String(x), x.toPrecision(digits), x.toExponential(digits - 1), x.toExponential(digits - 1).replace('e', 'E')]) {
          if (parsed(text) === undefined) continue; // e.g. "1e+21" is fine, "Infinity" is not JSON
          expect(Object.is(number(text), parsed(text)), text).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('rounds exactly on random decimal strings, including long mantissas and far exponents', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 25 });
    fc.assert(
      fc.property(fc.boolean(), digits, fc.option(digits), fc.option(fc.integer({ min: -400, max: 400 })), (neg, int, frac, exp) => {
        const text = `${neg ? '-' : ''}${int.replace(/^0+(?=.)/, '')}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `e${exp}`}`;
        expect(Object.is(number(text), parsed(text)), text).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the edge cases JSON.parse reads, −0 and sentinels included', () => {
    // Expected values: JSON.parse of the same text (node -e "console.log(JSON.parse(t))").
    for (const text of [
      '0', '-0', '-0.0', '0e999', '-0E-5', '1e22', '1e23', '9007199254740993', '123456789012345', '1234567890123456',
      '-3.4028234663852886e38', '-9999', '-100', '2.2250738585072014e-308', '4.9e-324', '1e-400', '1e400',
      '-0.1', '0.30000000000000004', '-1.7976931348623157e308', '0.000000000000000000001', '100000000000000000000000',
    ]) {
      expect(Object.is(number(text), JSON.parse(text)), text).toBe(true);
    }
  });

  it('reads a number the same wherever it ends relative to a word, with anything after it', () => {
    // Fraction digits are read four bytes at a time (SWAR): every length of fraction, followed by
    // every kind of byte and by 0–7 more bytes before the buffer ends, must read as JSON.parse.
    const fraction = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 20 });
    const after = fc.constantFrom(',', ']', '}', ' ', 'e-5', 'E+2', '\r', 'x', '\u00ff', '/', ':');
    fc.assert(
      fc.property(fc.constantFrom('-0.', '0.', '-3.', '12.', '-0.000'), fraction, after, fc.nat(7), (head, frac, tail, pad) => {
        const text = `${head}${frac}`;
        const withExponent = /^[eE]/.test(tail) ? `${text}${tail}` : text;
        const s = scannerOf(`${text}${tail}${','.repeat(pad)}`);
        const end = s.number(0);
        const expected = parsed(withExponent) as number;
        expect(end, text + tail).toBe(withExponent.length);
        expect(Object.is(s.value, expected), text + tail).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the one-operation path for 16 significant digits up to 2^53, exactly', () => {
    // 2^53 = 9007199254740992: below it a 16-digit mantissa is an exact double; 2^53 + 1 is not
    // one, and rounds to 2^53 on the way (the reason the test is strict). Expected: JSON.parse.
    for (const text of ['-0.9007199254740992', '-0.9007199254740993', '-0.9007199254740991', '-1.234567890123456', '-9.999999999999999', '-0.1000000000000001', '-0.0001234567890123456', '9007199254740992', '9007199254740993', '-0.9007199254740994']) {
      expect(Object.is(number(text), JSON.parse(text)), text).toBe(true);
    }
  });

  it('reads logprob-shaped numbers by its shortcut exactly as number() and JSON.parse, and anything else as number()', () => {
    // negativeDecimal checks "-d." in one word and reads the fraction by words; every other shape
    // (exponents, no fraction digit, leading zeros, 16–18 and 19+ digits, positives) must come out
    // as from number(), followed by any byte and 0–7 more before the buffer ends.
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 22 });
    const head = fc.constantFrom('-0.', '-3.', '-9.', '-0.000', '-05.', '-1', '0.', '-12.', '-', '1.', '-.');
    const after = fc.constantFrom(',', ']', 'e-7', 'E5', 'e', '.5', ' ', '}', 'x');
    const check = (text: string, pad: number): void => {
      const a = scannerOf(`${text}${','.repeat(pad)}`);
      const b = scannerOf(`${text}${','.repeat(pad)}`);
      const end = a.negativeDecimal(0);
      expect(end, text).toBe(b.number(0));
      if (end >= 0) {
        expect(Object.is(a.value, b.value), text).toBe(true);
        expect(Object.is(a.value, parsed(text.slice(0, end))), text).toBe(true);
      }
    };
    fc.assert(
      fc.property(head, digits, after, fc.nat(7), (h, d, tail, pad) => check(`${h}${d}${tail}`, pad)),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.double({ max: 0, noNaN: true, noDefaultInfinity: true }), fc.nat(7), (x, pad) => check(String(x), pad)),
      { numRuns: 5000 },
    );
  });

  it('rejects what is not a JSON number', () => {
    for (const text of ['-', '+1', '01', '-01', '1.', '.5', '1e', '1e+', '-e1', 'NaN', 'Infinity', '-Infinity', '0x10', '1_0']) {
      expect(number(text), text).toBeUndefined();
    }
  });
});

describe('ByteScanner strings and values', () => {
  it('skips a value exactly when JSON.parse accepts it, and to its end', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.constantFrom('', ' ', '\t'), (json, pad) => {
        const text = json.replace(/,/g, `,${pad}`);
        const s = scannerOf(text);
        expect(s.skipValue(0)).toBe(parsed(text) === undefined ? -1 : text.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects raw control characters, bad escapes and unterminated strings', () => {
    for (const text of ['"a\tb"', '"a\u0000"', '"a\\x"', '"a\\u12"', '"a\\u12g4"', '"abc', '"a\\"']) {
      expect(scannerOf(text).skipValue(0), JSON.stringify(text)).toBe(-1);
    }
    for (const text of ['"a\\tb"', '"\\u00e9\\/\\\\\\""', '"é😀✓"', '"\\ud83d"']) {
      expect(scannerOf(text).skipValue(0), JSON.stringify(text)).toBe(Buffer.byteLength(text));
    }
  });

  it('finds a quote, backslash or control character at any offset within a word', () => {
    // Strings are read four bytes at a time: the byte that ends or breaks a string can sit at any
    // of a word's four positions, after UTF-8 (bytes of 0x80 and up, never special), before more text.
    const unit = fc.constantFrom('a', ' ', '~', '\u007f', 'é', '✓', '😀', '\\n', '\\"', '\\u00e9', '\\\\', '\t', '\u0001', '\u001f', '\\x', '"');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 12 }), fc.nat(3), fc.constantFrom('', ',"x"]', '}', '  '), (units, lead, rest) => {
        const text = `"${units.join('')}"`;
        const s = scannerOf(`${' '.repeat(lead)}${text}${rest}`);
        const expected = parsed(text) === undefined ? -1 : lead + Buffer.byteLength(text);
        // A stray quote ends the string early: then JSON.parse fails but the string read is fine.
        const end = s.string(lead);
        const cut = units.indexOf('"');
        if (cut >= 0 && !units.slice(0, cut).some((u) => ['\t', '\u0001', '\u001f', '\\x'].includes(u))) {
          expect(end).toBe(lead + Buffer.byteLength(`"${units.slice(0, cut).join('')}"`));
        } else {
          expect(end, JSON.stringify(text)).toBe(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('stops at the end of the line even inside a string (the byte after a line is below 0x20)', () => {
    const buf = Buffer.from('{"a":"b","c":"d"}');
    const s = new ByteScanner();
    // A line cut after `"d` with a NUL after it, as the framer leaves a pieced-together line.
    const cut = Buffer.concat([buf.subarray(0, 15), Buffer.from([0])]);
    s.reset(cut, 15);
    expect(s.skipValue(0)).toBe(-1);
  });

  it('counts array elements, and rejects nesting deeper than it skips', () => {
    const s = scannerOf('[116, 104,[1,{"a":[]}] ,"x",null]');
    expect(s.countElements(0)).toBe(33);
    expect(s.count).toBe(5);
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    expect(scannerOf(deep).skipValue(0)).toBe(-1);
  });
});
