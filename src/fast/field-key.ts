import { ByteScanner } from './byte-scanner.js';

/** What FieldKeyReader could not decide from the bytes: the caller parses the record instead. */
export const UNDECIDED = Symbol('undecided');

/**
 * The value at a dotted path of a JSON object line as a group or key, read from the line's bytes
 * (`keyOf(valueAtPath(JSON.parse(line), path))`, to the character), so that a record the fast
 * path scored keeps the fast path under `--group-by`. Objects are followed member by member, the
 * last of duplicate keys winning as in JSON.parse; a string without escapes is sliced from the
 * bytes, and any other value is parsed alone (one small JSON.parse, not the record's). UNDECIDED,
 * for the full parser, when the bytes do not say for sure: an escaped key (it could spell the one
 * sought), an array on the path (valueAtPath indexes arrays), or anything the scanner rejects.
 */
export class FieldKeyReader {
  private readonly scanner = new ByteScanner();
  private readonly names: { text: string; bytes: Uint8Array }[];

  /**
   * `keyOf` turns a parsed value into the key (audit's keyOf: this layer does not import it).
   * `uniqueTopKeys`: the caller knows the line's top-level keys are all different (the fast record
   * scanner sends a duplicate to the full path), so the first match there is the last, and the
   * rest of the line (`choices`, most of its bytes) need not be skipped again.
   */
  constructor(
    path: readonly string[],
    private readonly keyOf: (value: unknown) => string | null,
    private readonly uniqueTopKeys = false,
  ) {
    this.names = path.map((text) => ({ text, bytes: new Uint8Array(Buffer.from(text, 'utf8')) }));
  }

  /** The key of the object in buf[start, end); buf[end] must be below 0x20, as for the fast scanners. */
  read(buf: Buffer, start: number, end: number): string | null | typeof UNDECIDED {
    const s = this.scanner;
    s.reset(buf, end);
    let i = s.ws(start);
    for (let depth = 0; depth < this.names.length; depth++) {
      const name = this.names[depth] as { text: string; bytes: Uint8Array };
      const firstWins = depth === 0 && this.uniqueTopKeys;
      if (buf[i] !== 0x7b) return buf[i] === 0x5b ? UNDECIDED : null;
      let found = -1;
      for (i = s.open(i, 0x7b); i >= 0 && s.more; i = s.separator(i, 0x7d)) {
        i = s.key(i);
        if (i < 0) return UNDECIDED;
        const matches = s.stringIs(name.bytes) || (nonAscii(buf, s.stringStart, s.stringEnd) && buf.toString('utf8', s.stringStart, s.stringEnd) === name.text);
        i = s.colon(i);
        if (i < 0) return UNDECIDED;
        if (matches) {
          found = i;
          if (firstWins) break;
        }
        i = s.skipValue(i);
        if (i < 0) return UNDECIDED;
      }
      if (found < 0 && i < 0) return UNDECIDED;
      if (found < 0) return null;
      i = found;
    }
    if (buf[i] === 0x22) {
      if (s.string(i) < 0) return UNDECIDED;
      if (!s.escaped) return buf.toString('utf8', s.stringStart, s.stringEnd);
    }
    const after = s.skipValue(i);
    if (after < 0) return UNDECIDED;
    return this.keyOf(JSON.parse(buf.toString('utf8', i, after)));
  }
}

/** Bytes that may decode to something other than themselves (invalid UTF-8 becomes U+FFFD): compared as text. */
function nonAscii(buf: Buffer, start: number, end: number): boolean {
  for (let j = start; j < end; j++) if ((buf[j] as number) >= 0x80) return true;
  return false;
}
