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

  reset(buf: Buffer, end: number): void {
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

  /** A string at i (its opening quote); returns the index after the closing quote. */
  string(i: number): number {
    const buf = this.buf;
    let escaped = false;
    const start = ++i;
    for (;;) {
      const c = buf[i] as number;
      // Lower-case letters and UTF-8 bytes, most of a token's text, need one comparison.
      if (c > 0x5c) {
        i++;
        continue;
      }
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
   * A JSON number at i, into `value`. Exact: a mantissa of at most 15 significant digits and a
   * power of ten up to 1e22 are both exact doubles, so one multiplication or division rounds
   * correctly (Clinger's fast path); anything else goes to Number.parseFloat on the text, which
   * rounds correctly too. The grammar is JSON's: no leading zeros, no '+', digits after '.' and 'e'.
   * Digits are gathered nine at a time in int32s: a floating-point multiply-add per digit is a
   * dependency chain that cost more than the rest of the scan.
   */
  number(i: number): number {
    const buf = this.buf;
    const start = i;
    let c = buf[i] as number;
    let negative = false;
    if (c === 0x2d) {
      negative = true;
      c = buf[++i] as number;
    }
    /** The first nine significant digits, the next nine, and how many there were in all. */
    let high = 0;
    let low = 0;
    let significant = 0;
    let scale = 0;
    if (c === 0x30) {
      c = buf[++i] as number;
    } else if (c >= 0x31 && c <= 0x39) {
      do {
        if (significant < 9) high = (high * 10 + (c - 0x30)) | 0;
        else if (significant < 18) low = (low * 10 + (c - 0x30)) | 0;
        significant++;
        c = buf[++i] as number;
      } while (c >= 0x30 && c <= 0x39);
    } else {
      return -1;
    }
    if (c === 0x2e) {
      const fraction = i + 1;
      c = buf[++i] as number;
      if (c < 0x30 || c > 0x39) return -1;
      // Zeros before the first significant digit (0.000123) only move the decimal point.
      if (significant === 0) while (c === 0x30) c = buf[++i] as number;
      while (c >= 0x30 && c <= 0x39) {
        if (significant < 9) high = (high * 10 + (c - 0x30)) | 0;
        else if (significant < 18) low = (low * 10 + (c - 0x30)) | 0;
        significant++;
        c = buf[++i] as number;
      }
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
    if (significant === 0) {
      v = 0;
    } else if (significant <= 15 && scale >= -22 && scale <= 22) {
      const mantissa = significant <= 9 ? high : high * (POW10[significant - 9] as number) + low;
      v = scale < 0 ? mantissa / (POW10[-scale] as number) : mantissa * (POW10[scale] as number);
    } else {
      return this.slowNumber(start, i);
    }
    this.value = negative ? -v : v;
    return i;
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

/** Bytes for ByteScanner.match. */
export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

/** Key tables for ByteScanner.member and keyIndex. */
export function keyTable(...keys: string[]): Uint8Array[] {
  return keys.map(bytesOf);
}
