/**
 * Whether a chat token is among its own listed alternatives, read from bytes, for the audit's
 * `chosen_not_in_top_k` check when the alternatives themselves are not kept (the fast path).
 * The audit compares token texts as JSON.parse decodes them, so two strings are the same when
 * their bytes are (the common case: OpenAI lists the chosen token first, byte for byte); when
 * their bytes differ and either has an escape or a non-ASCII byte (where "\u00e9" and "é", or two
 * malformed UTF-8 runs, can decode alike), both are decoded and compared. The audit compares
 * logprobs instead where a text is unknown or empty; that needs its tolerance, so such a token
 * makes the answer undecidable here and the record takes the full path.
 */
export class ChosenListing {
  /** Bounds and escape flag of the chosen token's text (start −1: not a string). */
  private chosenStart = -1;
  private chosenEnd = -1;
  private chosenEscaped = false;
  /** The same for each alternative with a logprob, three slots each. */
  private spans = new Int32Array(3 * 8);
  private count = 0;
  /** The smallest logprob among the alternatives added. */
  smallest = Number.POSITIVE_INFINITY;

  reset(): void {
    this.chosenStart = -1;
    this.count = 0;
    this.smallest = Number.POSITIVE_INFINITY;
  }

  /** The chosen token's text: buf[start, end) between its quotes (start −1: the token is not a string). */
  setChosen(start: number, end: number, escaped: boolean): void {
    this.chosenStart = start;
    this.chosenEnd = end;
    this.chosenEscaped = escaped;
  }

  /** An alternative with a logprob; start −1 when its token is not a string. */
  addAlternative(start: number, end: number, escaped: boolean, logprob: number): void {
    const at = 3 * this.count;
    if (at === this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    this.spans[at] = start;
    this.spans[at + 1] = end;
    this.spans[at + 2] = escaped ? 1 : 0;
    this.count++;
    if (logprob < this.smallest) this.smallest = logprob;
  }

  /**
   * 1 when the chosen text is among the alternatives', 0 when it is not, −1 when that depends on
   * logprobs: the chosen text is unknown, or no alternative's text matched and one is unknown or
   * empty (the audit then compares that one by logprob).
   */
  listed(buf: Buffer): number {
    const start = this.chosenStart;
    if (start < 0) return -1;
    let unknown = false;
    for (let j = 0; j < this.count; j++) {
      const a = this.spans[3 * j] as number;
      const end = this.spans[3 * j + 1] as number;
      if (a < 0 || end === a) unknown = true;
      else if (sameText(buf, start, this.chosenEnd, this.chosenEscaped, a, end, this.spans[3 * j + 2] === 1)) return 1;
    }
    return unknown ? -1 : 0;
  }
}

function sameText(buf: Buffer, a: number, aEnd: number, aEscaped: boolean, b: number, bEnd: number, bEscaped: boolean): boolean {
  const n = aEnd - a;
  if (n === bEnd - b) {
    let k = 0;
    while (k < n && buf[a + k] === buf[b + k]) k++;
    if (k === n) return true;
  }
  // Different bytes of plain ASCII without escapes are different strings.
  if (!aEscaped && !bEscaped && (ascii(buf, a, aEnd) || ascii(buf, b, bEnd))) return false;
  return decoded(buf, a, aEnd, aEscaped) === decoded(buf, b, bEnd, bEscaped);
}

function ascii(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((buf[i] as number) >= 0x80) return false;
  return true;
}

/** The string JSON.parse makes of buf[start, end) between quotes (the quotes are at start − 1 and end). */
function decoded(buf: Buffer, start: number, end: number, escaped: boolean): string {
  return escaped ? (JSON.parse(buf.toString('utf8', start - 1, end + 1)) as string) : buf.toString('utf8', start, end);
}
