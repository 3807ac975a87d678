import { nearestDouble } from './nearest-double.js';

/**
 * JSON lexing straight from a line's UTF-8 bytes, for the fast path: whitespace, strings,
 * numbers (parsed exactly), literals and a validating skip of any value. Nothing here builds a
 * string or an object. Every method takes a position and returns the position after what it
 * read, or -1 when the bytes are not what JSON.parse would accept there (the caller then gives
 * the line to the full parser).
 *
 * The line must be followed by a byte below 0x20 (its LF or CR, or a NUL the framer appends):
 * string, number and literal loops stop on it without a bounds check, and no JSON punctuation
 * can match it, so a line that ends early is rejected, never overrun.
 */
export class ByteScanner {
  buf: Buffer = EMPTY;
  /** Index of the byte after the line's last byte. */
  end = 0;
  /** The last number read. */
  value = 0;
  /** Content bounds of the last string read (between its quotes). */
  stringStart = 0;
  stringEnd = 0;
  /** Whether the last string read had a backslash escape. */
  escaped = false;
  /** Elements counted by the last countElements. */
  count = 0;
  /** The key index found by `member`. */
  memberKey = 0;
  /** After `separator`: true for ',' (another element follows), false for the closing bracket. */
  more = false;

  /**
   * buf as 32-bit little-endian words at any offset (see string and number), and the last offset
   * where a whole word fits. Words may reach past the line's end: what they find there is after
   * the terminator, which every word loop stops at first.
   */
  private view: DataView<ArrayBufferLike> = new DataView(EMPTY.buffer, EMPTY.byteOffset, EMPTY.byteLength);
  private lastWord = EMPTY.length - 4;

  reset(buf: Buffer, end: number): void {
    if (buf !== this.buf) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.lastWord = buf.length - 4;
    }
    this.buf = buf;
    this.end = end;
  }

  /** Skips JSON whitespace (space, tab, CR, LF) up to the line's end. */
  ws(i: number): number {
    const buf = this.buf;
    const end = this.end;
    while (i < end) {
      const c = buf[i] as number;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    return i;
  }

  /**
   * At `opener` ('[' or '{'): the index of the first element or member, with `more`; for an empty
   * array or object, the index after it, without `more`; -1 when i holds something else.
   */
  open(i: number, opener: number): number {
    const buf = this.buf;
    if (buf[i] !== opener) return -1;
    i = this.ws(i + 1);
    // ']' and '}' come two code points after '[' and '{'.
    if (buf[i] === opener + 2) {
      this.more = false;
      return i + 1;
    }
    this.more = true;
    return i;
  }

  /** `separator`, with the common case (a ',' right before the next value, as compact JSON has it) inline. */
  next(i: number, close: number): number {
    const buf = this.buf;
    if (buf[i] === 0x2c && (buf[i + 1] as number) > 0x20) {
      // Set again: a nested array or object read since cleared it.
      this.more = true;
      return i + 1;
    }
    return this.separator(i, close);
  }

  /**
   * After an element or member: whitespace, then ',' (returns the next element's index, with
   * `more`) or `close` (returns the index after it, without `more`); anything else is -1.
   */
  separator(i: number, close: number): number {
    const buf = this.buf;
    let c = buf[i] as number;
    if (c !== 0x2c && c !== close) {
      i = this.ws(i);
      c = buf[i] as number;
    }
    if (c === 0x2c) {
      this.more = true;
      i++;
      // Compact JSON has no whitespace after ',' and Python's has one space.
      return buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09 ? this.ws(i) : i;
    }
    if (c !== close) return -1;
    this.more = false;
    return i + 1;
  }

  /** Skips whitespace, a ':' and whitespace after an object key (-1 stays -1). */
  colon(i: number): number {
    if (i < 0) return -1;
    const buf = this.buf;
    if (buf[i] !== 0x3a) {
      i = this.ws(i);
      if (buf[i] !== 0x3a) return -1;
    }
    i++;
    return buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09 ? this.ws(i) : i;
  }

  /**
   * A string at i (its opening quote); returns the index after the closing quote. Four bytes at a
   * time: only a quote, a backslash or a control character needs a look, and one word says where
   * the first of them is (token texts are short, but a byte loop costs about 2 ns a byte here).
   */
  string(i: number): number {
    const buf = this.buf;
    const view = this.view;
    const lastWord = this.lastWord;
    let escaped = false;
    const start = ++i;
    for (;;) {
      while (i <= lastWord) {
        const special = specialBytes(view.getUint32(i, true));
        if (special !== 0) {
          i += firstFlagged(special);
          break;
        }
        i += 4;
      }
      const c = buf[i] as number;
      if (c === 0x22) break;
      if (c === 0x5c) {
        i = this.escape(i);
        if (i < 0) return -1;
        escaped = true;
        continue;
      }
      // Raw control characters are not allowed in JSON strings; the line's terminator is one.
      // (Written so that reading past a buffer, undefined, would stop here too, never spin.)
      if (!(c >= 0x20)) return -1;
      // Within the buffer's last three bytes, where no word fits: one byte at a time.
      i++;
    }
    this.stringStart = start;
    this.stringEnd = i;
    this.escaped = escaped;
    return i + 1;
  }

  /** An object key at i without escapes (an escaped key could spell a known one: the caller falls back). */
  key(i: number): number {
    if (this.buf[i] !== 0x22) return -1;
    i = this.string(i);
    return i < 0 || this.escaped ? -1 : i;
  }

  /**
   * An object member's key at i, which must be one of `keys` and not among those already `seen`
   * (a bit per key index: JSON.parse keeps the last of duplicate keys, the fast path does not
   * guess). Returns the index of the value, the key's index in `memberKey`; -1 otherwise.
   */
  member(i: number, keys: readonly Uint8Array[], seen: number): number {
    i = this.key(i);
    if (i < 0) return -1;
    const key = this.keyIndex(keys);
    if (key < 0 || (seen & (1 << key)) !== 0) return -1;
    this.memberKey = key;
    return this.colon(i);
  }

  /** Index in `keys` of the last string read, or -1. */
  keyIndex(keys: readonly Uint8Array[]): number {
    const buf = this.buf;
    const start = this.stringStart;
    const length = this.stringEnd - start;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k] as Uint8Array;
      if (key.length !== length) continue;
      let j = 0;
      while (j < length && buf[start + j] === key[j]) j++;
      if (j === length) return k;
    }
    return -1;
  }

  /** Whether the last string read is exactly `expected` (no escapes). */
  stringIs(expected: Uint8Array): boolean {
    if (this.escaped || this.stringEnd - this.stringStart !== expected.length) return false;
    const buf = this.buf;
    for (let j = 0; j < expected.length; j++) if (buf[this.stringStart + j] !== expected[j]) return false;
    return true;
  }

  /**
   * A JSON number at i, into `value`. Exact: a mantissa below 2^53 and a power of ten up to 1e22
   * are both exact doubles, so one multiplication or division rounds correctly (Clinger's fast
   * path); anything else goes to Number.parseFloat on the text, which rounds correctly too. The
   * grammar is JSON's: no leading zeros, no '+', digits after '.' and 'e'.
   * Fraction digits, where most of a logprob's are, are read a 32-bit word at a time (SWAR, see
   * nonDigits): a byte loop costs about 2 ns a byte on the machines measured.
   */
  number(i: number): number {
    const buf = this.buf;
    const start = i;
    let c = buf[i] as number;
    const negative = c === 0x2d;
    if (negative) c = buf[++i] as number;
    /** The significant digits as an integer: exact while below 2^53, which `digits` bounds. */
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    if (c === 0x30) {
      c = buf[++i] as number;
    } else if (c >= 0x31 && c <= 0x39) {
      const first = i;
      do {
        mantissa = mantissa * 10 + (c - 0x30);
        c = buf[++i] as number;
      } while (c >= 0x30 && c <= 0x39);
      digits = i - first;
    } else {
      return -1;
    }
    if (c === 0x2e) {
      const fraction = ++i;
      c = buf[i] as number;
      if (c < 0x30 || c > 0x39) return -1;
      // Zeros before the first significant digit (0.000123) only move the decimal point.
      if (digits === 0) while (c === 0x30) c = buf[++i] as number;
      const first = i;
      const view = this.view;
      const lastWord = this.lastWord;
      for (;;) {
        if (i > lastWord) {
          // The buffer's last three bytes: one at a time.
          c = buf[i] as number;
          while (c >= 0x30 && c <= 0x39) {
            mantissa = mantissa * 10 + (c - 0x30);
            c = buf[++i] as number;
          }
          break;
        }
        const word = view.getUint32(i, true);
        const other = nonDigits(word);
        if (other === 0) {
          mantissa = mantissa * 1e4 + digitsValue(word - 0x30303030);
          i += 4;
          continue;
        }
        // The digits before the first other byte, moved to the top of the word (leading zeros).
        const k = firstFlagged(other);
        if (k > 0) {
          mantissa = mantissa * (POW10[k] as number) + digitsValue((word - 0x30303030) << (32 - 8 * k));
          i += k;
        }
        c = buf[i] as number;
        break;
      }
      digits += i - first;
      scale = fraction - i;
    }
    if (c === 0x65 || c === 0x45) {
      c = buf[++i] as number;
      let sign = 1;
      if (c === 0x2d || c === 0x2b) {
        if (c === 0x2d) sign = -1;
        c = buf[++i] as number;
      }
      if (c < 0x30 || c > 0x39) return -1;
      let exponent = 0;
      do {
        // Past 1e5 the answer is 0 or Infinity (or the slow path's); stop growing.
        if (exponent < 100000) exponent = exponent * 10 + (c - 0x30);
        c = buf[++i] as number;
      } while (c >= 0x30 && c <= 0x39);
      scale += sign * exponent;
    }
    let v: number;
    if (mantissa === 0) {
      v = 0;
    } else if ((digits <= 15 || (digits === 16 && mantissa < TWO_53)) && scale >= -22 && scale <= 22) {
      // Up to 15 digits every partial sum is below 10^15 < 2^53, so exact. With 16, the partial
      // sums are exact while below 2^53, and rounding is monotonic: a true mantissa of 2^53 or
      // more cannot come out below 2^53 (2^53 + 1 rounds to 2^53, hence the strict test).
      v = scale < 0 ? mantissa / (POW10[-scale] as number) : mantissa * (POW10[scale] as number);
    } else {
      v = digits >= 16 && digits <= 18 && scale < 0 ? this.longDecimal(start, i, digits, -scale) : Number.NaN;
      // Anything else, and what longDecimal declines, is parsed from its text.
      if (v !== v) return this.slowNumber(start, i);
    }
    this.value = negative ? -v : v;
    return i;
  }

  /**
   * A number at i, exactly as `number` reads it, in fewer steps when it has the common shape of a
   * logprob: '-', one digit, '.', fraction digits, no exponent (the sign, digit and point are
   * checked in one word). Any other shape is `number`'s.
   */
  negativeDecimal(i: number): number {
    const lastWord = this.lastWord;
    if (i > lastWord) return this.number(i);
    const view = this.view;
    const head = view.getUint32(i, true);
    // Bytes 0 and 2 are '-' and '.'; byte 1 a digit; byte 3, the fraction's first, is read below.
    if ((head & 0x00ff00ff) !== 0x002e002d) return this.number(i);
    const unit = ((head >>> 8) & 0xff) - 0x30;
    if (unit < 0 || unit > 9) return this.number(i);
    const buf = this.buf;
    const first = i + 3;
    let j = first;
    let mantissa = unit;
    for (;;) {
      if (j > lastWord) {
        // The buffer's last three bytes: one at a time.
        let c = buf[j] as number;
        while (c >= 0x30 && c <= 0x39) {
          mantissa = mantissa * 10 + (c - 0x30);
          c = buf[++j] as number;
        }
        break;
      }
      const word = view.getUint32(j, true);
      const other = nonDigits(word);
      if (other === 0) {
        mantissa = mantissa * 1e4 + digitsValue(word - 0x30303030);
        j += 4;
        continue;
      }
      const k = firstFlagged(other);
      if (k > 0) {
        mantissa = mantissa * (POW10[k] as number) + digitsValue((word - 0x30303030) << (32 - 8 * k));
        j += k;
      }
      break;
    }
    const fraction = j - first;
    const after = buf[j] as number;
    // No fraction digit ("-1." is not JSON), or an exponent: `number` reads it (or rejects it).
    if (fraction === 0 || after === 0x65 || after === 0x45) return this.number(i);
    let digits = fraction + 1;
    if (unit === 0) {
      // Significant digits start after the fraction's leading zeros.
      let z = first;
      while (buf[z] === 0x30) z++;
      digits = j - z;
    }
    let v: number;
    if (mantissa === 0) {
      v = 0;
    } else if ((digits <= 15 || (digits === 16 && mantissa < TWO_53)) && fraction <= 22) {
      // Clinger's one operation, exact as in `number`.
      v = mantissa / (POW10[fraction] as number);
    } else {
      v = digits <= 18 ? this.longDecimal(i, j, digits, fraction) : Number.NaN;
      if (v !== v) return this.slowNumber(i, j);
    }
    this.value = -v;
    return j;
  }

  /** Whether `bytes` come at i: returns the index after them, or -1 (also when i is -1). */
  match(i: number, bytes: Uint8Array): number {
    if (i < 0) return -1;
    const buf = this.buf;
    for (let j = 0; j < bytes.length; j++) if (buf[i + j] !== bytes[j]) return -1;
    return i + bytes.length;
  }

  /** Skips any JSON value at i, validating it (nesting deeper than MAX_DEPTH falls back). */
  skipValue(i: number, depth = 0): number {
    const buf = this.buf;
    const c = buf[i] as number;
    if (c === 0x22) return this.string(i);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(i);
    if (c === 0x7b) return depth >= MAX_DEPTH ? -1 : this.skipObject(i, depth + 1);
    if (c === 0x5b) return depth >= MAX_DEPTH ? -1 : this.skipArray(i, depth + 1);
    if (c === 0x6e) return this.match(i, NULL);
    if (c === 0x74) return this.match(i, TRUE);
    if (c === 0x66) return this.match(i, FALSE);
    return -1;
  }

  /** Whether a `null` starts at i. */
  isNull(i: number): boolean {
    const buf = this.buf;
    return buf[i] === 0x6e && buf[i + 1] === 0x75 && buf[i + 2] === 0x6c && buf[i + 3] === 0x6c;
  }

  /** An array at i whose elements are skipped; `count` gets their number. Returns the index after ']'. */
  countElements(i: number): number {
    const buf = this.buf;
    // Byte lists ([116,104,101]) are the common case: compact small integers, read in one loop.
    if (buf[i] === 0x5b) {
      let j = i + 1;
      let c = buf[j] as number;
      let n = 0;
      while (c >= 0x30 && c <= 0x39) {
        if (c === 0x30) {
          c = buf[++j] as number;
        } else {
          do c = buf[++j] as number;
          while (c >= 0x30 && c <= 0x39);
        }
        n++;
        if (c === 0x5d) {
          this.count = n;
          return j + 1;
        }
        if (c !== 0x2c) break;
        c = buf[++j] as number;
      }
    }
    let n = 0;
    for (i = this.open(i, 0x5b); i >= 0 && this.more; i = this.separator(i, 0x5d)) {
      i = this.skipValue(i, 1);
      if (i < 0) return -1;
      n++;
    }
    this.count = n;
    return i;
  }

  private skipObject(i: number, depth: number): number {
    for (i = this.open(i, 0x7b); i >= 0 && this.more; i = this.separator(i, 0x7d)) {
      i = this.buf[i] === 0x22 ? this.colon(this.string(i)) : -1;
      if (i >= 0) i = this.skipValue(i, depth);
      if (i < 0) return -1;
    }
    return i;
  }

  private skipArray(i: number, depth: number): number {
    for (i = this.open(i, 0x5b); i >= 0 && this.more; i = this.separator(i, 0x5d)) {
      i = this.skipValue(i, depth);
      if (i < 0) return -1;
    }
    return i;
  }

  /** \" \\ \/ \b \f \n \r \t or \uXXXX at i (the backslash); returns the index after it. */
  private escape(i: number): number {
    const buf = this.buf;
    const c = buf[i + 1] as number;
    if (c === 0x75) {
      for (let j = 2; j < 6; j++) {
        const h = buf[i + j] as number;
        if (!((h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66))) return -1;
      }
      return i + 6;
    }
    return c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74 ? i + 2 : -1;
  }

  /**
   * A number of 16–18 significant digits (Python's and vLLM's full-precision reprs have 17) over
   * 10^s, by nearestDouble, or NaN. The digits are read again, exactly this time, as the first
   * (digits − 8) and the last 8: number() keeps only a rounded mantissa.
   */
  private longDecimal(start: number, end: number, digits: number, s: number): number {
    const buf = this.buf;
    let i = start;
    // Zeros and the point before the first significant digit (and the sign) do not count.
    for (let c = buf[i] as number; c === 0x2d || c === 0x30 || c === 0x2e; c = buf[++i] as number);
    let high = 0;
    let low = 0;
    const split = digits - 8;
    let read = 0;
    for (; i < end && read < digits; i++) {
      const c = buf[i] as number;
      if (c === 0x2e) continue;
      if (read < split) high = high * 10 + (c - 0x30);
      else low = low * 10 + (c - 0x30);
      read++;
    }
    return nearestDouble(high, low, s);
  }

  private slowNumber(start: number, end: number): number {
    this.value = Number.parseFloat(this.buf.toString('latin1', start, end));
    return end;
  }
}

const EMPTY = Buffer.alloc(1);
/** Deeper nesting is left to the full parser, so that skipping never recurses without bound. */
const MAX_DEPTH = 64;
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POW10 = new Float64Array([1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]);

const TWO_53 = 2 ** 53;

// Word-at-a-time helpers. A word is four bytes read little-endian, so its first byte is the low
// byte, and the lowest flagged byte of a mask is the first in the line.

/**
 * A mask with bits set in the bytes of `word` that are not ASCII digits: a byte is a digit when
 * its high nibble is 3 and adding 6 does not carry into it (which a low nibble above 9 would).
 * Adding 6 carries into the next byte only from a byte of 0xFA and up, itself flagged, so the
 * lowest flagged byte is always the first non-digit.
 */
function nonDigits(word: number): number {
  return ((word & 0xf0f0f0f0) | (((word + 0x06060606) & 0xf0f0f0f0) >>> 4)) ^ 0x33333333;
}

/**
 * A mask with the high bit set in bytes of `word` that a JSON string cannot hold as they are: a
 * quote, a backslash or a byte below 0x20 (the classic has-zero-byte and has-less-than tests,
 * Hacker's Delight 6-1). A borrow can flag a byte after a true one, never before it, and bytes of
 * 0x80 and up (UTF-8) are never flagged.
 */
function specialBytes(word: number): number {
  const quote = word ^ 0x22222222;
  const backslash = word ^ 0x5c5c5c5c;
  return (((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash) | ((word - 0x20202020) & ~word)) & 0x80808080;
}

/** Index (0–3) of the lowest byte with a bit set in `mask` (which is not 0). */
function firstFlagged(mask: number): number {
  return (31 - Math.clz32(mask & -mask)) >> 3;
}

/** The value of four decimal digits, one per byte (0–9, the first in the low byte). */
function digitsValue(d: number): number {
  // Bytes 0 and 2 become the two-digit numbers d0d1 and d2d3 (d * 10 cannot carry between bytes).
  const pairs = (d * 10 + (d >>> 8)) & 0x00ff00ff;
  return (pairs & 0xff) * 100 + (pairs >>> 16);
}

/** Bytes for ByteScanner.match. */
export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Key tables for ByteScanner.member and keyIndex. */
export function keyTable(...keys: string[]): Uint8Array[] {
  return keys.map(bytesOf);
}
