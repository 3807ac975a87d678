import type { TokenBatch } from '../formats/scored-batch.js';
import { bytesOf, keyTable, type ByteScanner } from './byte-scanner.js';
import { ChosenListing } from './chosen-listing.js';
import type { TokenColumns } from './token-columns.js';
import { TopKRow } from './top-k-row.js';

/**
 * The `choices` array of a Chat Completions response read from bytes into one final completion
 * batch per choice, as the openai-chat adapter builds them: content tokens then refusal tokens,
 * bytes from the length of each `bytes` array, top-k from the non-null `top_logprobs[].logprob`.
 * Only the keys that adapter knows are accepted, each once; anything it would reject or that
 * the scanner does not expect returns -1, and the record goes to the full parser. Token texts
 * are validated and skipped: no report reads them.
 */
export class ChatChoicesScanner {
  /** Choice indices of the batches read, for their sequence ids (`id`, `id#1`, …). */
  readonly indices: number[] = [];
  private readonly row = new TopKRow();
  /** Set by an entry or an alternative: its logprob (NaN when null). */
  private logprob = 0;
  /** Set by an entry: its byte count (NaN when unknown). */
  private byteCount = 0;
  /** With `listing`: the entry's token and its alternatives' tokens, for TokenColumns.setListing. */
  private readonly listing: ChosenListing | undefined;
  /** Set by an alternative: its token text's bounds (start −1: not a string) and escape flag. */
  private altStart = -1;
  private altEnd = -1;
  private altEscaped = false;

  /** `listing`: also say, per token, whether it is among its alternatives (see ChosenListing). */
  constructor(listing = false) {
    this.listing = listing ? new ChosenListing() : undefined;
  }

  /** `choices` value at i: batches go to `out`, their choice indices to `indices`. */
  choicesAt(s: ByteScanner, i: number, columns: TokenColumns, out: TokenBatch[]): number {
    this.indices.length = 0;
    let position = 0;
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      i = this.choice(s, i, position++, columns, out);
      if (i < 0) return -1;
    }
    return i;
  }

  private choice(s: ByteScanner, i: number, position: number, columns: TokenColumns, out: TokenBatch[]): number {
    columns.clear();
    let index = position;
    let seen = 0;
    for (i = s.open(i, 0x7b); i >= 0 && s.more; i = s.separator(i, 0x7d)) {
      i = s.member(i, CHOICE_KEYS, seen);
      if (i < 0) return -1;
      const key = s.memberKey;
      seen |= 1 << key;
      if (key === CHOICE_INDEX) {
        if (s.isNull(i)) {
          i += 4;
        } else {
          i = s.number(i);
          if (!(Number.isInteger(s.value) && s.value >= 0)) return -1;
          index = s.value;
        }
      } else if (key === CHOICE_LOGPROBS) {
        i = s.isNull(i) ? i + 4 : this.logprobs(s, i, columns);
      } else {
        i = s.skipValue(i);
      }
      if (i < 0) return -1;
    }
    if (i < 0) return -1;
    out.push(columns.batch('', 'completion', true));
    this.indices.push(index);
    return i;
  }

  /** `{content, refusal}`: content tokens come first in the batch whatever the key order. */
  private logprobs(s: ByteScanner, i: number, columns: TokenColumns): number {
    let seen = 0;
    let refusalTokens = 0;
    for (i = s.open(i, 0x7b); i >= 0 && s.more; i = s.separator(i, 0x7d)) {
      i = s.member(i, LOGPROBS_KEYS, seen);
      if (i < 0) return -1;
      const key = s.memberKey;
      seen |= 1 << key;
      if (s.isNull(i)) {
        i += 4;
        continue;
      }
      const before = columns.length + columns.unscored;
      i = this.entries(s, i, columns);
      const added = columns.length + columns.unscored - before;
      // Refusal entries read before content entries would come out in the wrong order.
      if (key === LOGPROBS_REFUSAL) refusalTokens = added;
      else if (refusalTokens > 0 && added > 0) return -1;
      if (i < 0) return -1;
    }
    return i;
  }

  private entries(s: ByteScanner, i: number, columns: TokenColumns): number {
    const row = this.row;
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      i = this.entry(s, i);
      if (i < 0) return -1;
      const lp = this.logprob;
      if (lp !== lp) {
        columns.unscored++;
      } else if (row.k > 0) {
        columns.push(lp, this.byteCount, row.k, row.mass, row.partialEntropy, row.minProb);
        const listing = this.listing;
        if (listing !== undefined) {
          const listed = listing.listed(s.buf);
          if (listed < 0) return -1;
          columns.setListing(listed === 1, listing.smallest);
        }
      } else {
        columns.push(lp, this.byteCount, 0, 0, 0, 0);
      }
    }
    return i;
  }

  /**
   * `{token, logprob, bytes, top_logprobs}`; `logprob` is required (null means unscored). The
   * layout OpenAI writes (those keys in that order, no whitespace) is matched byte for byte;
   * anything else is read key by key.
   */
  private entry(s: ByteScanner, i: number): number {
    const buf = s.buf;
    this.row.reset();
    this.listing?.reset();
    this.byteCount = Number.NaN;
    let j = s.match(i, LAYOUT_TOKEN);
    if (j >= 0 && buf[j] === 0x22) {
      j = s.string(j);
      if (j >= 0) this.listing?.setChosen(s.stringStart, s.stringEnd, s.escaped);
      j = s.match(j, LAYOUT_LOGPROB);
    } else {
      j = -1;
    }
    if (j >= 0) {
      j = this.logprobAt(s, j);
      const logprob = this.logprob;
      if (j >= 0) j = s.match(j, LAYOUT_BYTES);
      if (j >= 0) j = this.byteListAt(s, j);
      if (j >= 0) j = s.match(j, LAYOUT_TOP);
      if (j >= 0) j = s.isNull(j) ? j + 4 : this.alternatives(s, j);
      if (j >= 0 && buf[j] === 0x7d) {
        // The alternatives' logprobs went through this.logprob too: set the entry's last.
        this.logprob = logprob;
        return j + 1;
      }
    }
    return this.entryByKeys(s, i);
  }

  /** An entry in any key order and spacing. */
  private entryByKeys(s: ByteScanner, i: number): number {
    this.row.reset();
    this.listing?.reset();
    this.byteCount = Number.NaN;
    let logprob = Number.NaN;
    let seen = 0;
    for (i = s.open(i, 0x7b); i >= 0 && s.more; i = s.separator(i, 0x7d)) {
      i = s.member(i, ENTRY_KEYS, seen);
      if (i < 0) return -1;
      const key = s.memberKey;
      seen |= 1 << key;
      if (key === ENTRY_LOGPROB) {
        i = this.logprobAt(s, i);
        logprob = this.logprob;
      } else if (key === ENTRY_BYTES) {
        i = this.byteListAt(s, i);
      } else if (key === ENTRY_TOP) {
        i = s.isNull(i) ? i + 4 : this.alternatives(s, i);
      } else if (key === ENTRY_TOKEN && this.listing !== undefined && s.buf[i] === 0x22) {
        i = s.string(i);
        if (i >= 0) this.listing.setChosen(s.stringStart, s.stringEnd, s.escaped);
      } else {
        i = s.skipValue(i);
      }
      if (i < 0) return -1;
    }
    this.logprob = logprob;
    return (seen & (1 << ENTRY_LOGPROB)) === 0 ? -1 : i;
  }

  /** An entry's `bytes`: null, or an array whose length is the token's byte count. */
  private byteListAt(s: ByteScanner, i: number): number {
    if (s.isNull(i)) return i + 4;
    i = s.countElements(i);
    this.byteCount = s.count;
    return i;
  }

  /** A logprob into `this.logprob`: a number ≤ 0, or null (NaN). */
  private logprobAt(s: ByteScanner, i: number): number {
    if (s.isNull(i)) {
      this.logprob = Number.NaN;
      return i + 4;
    }
    i = s.negativeDecimal(i);
    if (i < 0 || !(s.value <= 0)) return -1;
    this.logprob = s.value;
    return i;
  }

  /** `top_logprobs`: `[{token, logprob, bytes}]`, non-null logprobs summed into the row. */
  private alternatives(s: ByteScanner, i: number): number {
    for (i = s.open(i, 0x5b); i >= 0 && s.more; i = s.next(i, 0x5d)) {
      i = this.alternative(s, i);
      if (i < 0) return -1;
      const logprob = this.logprob;
      if (logprob === logprob) {
        this.row.add(logprob);
        this.listing?.addAlternative(this.altStart, this.altEnd, this.altEscaped, logprob);
      }
    }
    return i;
  }

  /** One alternative, its logprob into `this.logprob`; OpenAI's layout is matched byte for byte. */
  private alternative(s: ByteScanner, i: number): number {
    const buf = s.buf;
    let j = s.match(i, LAYOUT_TOKEN);
    if (j >= 0 && buf[j] === 0x22) {
      j = s.string(j);
      this.altText(s);
      j = s.match(j, LAYOUT_LOGPROB);
    } else {
      j = -1;
    }
    if (j >= 0) j = this.logprobAt(s, j);
    if (j >= 0) {
      if (buf[j] === 0x7d) return j + 1;
      j = s.match(j, LAYOUT_BYTES);
      if (j >= 0) j = buf[j] === 0x5b ? s.countElements(j) : s.isNull(j) ? j + 4 : -1;
      if (j >= 0 && buf[j] === 0x7d) return j + 1;
    }
    return this.alternativeByKeys(s, i);
  }

  /** The string just read is the alternative's token (a failed read leaves start −1, never used: the line falls back). */
  private altText(s: ByteScanner): void {
    this.altStart = s.stringStart;
    this.altEnd = s.stringEnd;
    this.altEscaped = s.escaped;
  }

  /** An alternative in any key order and spacing; its token and bytes may be any JSON value (unread). */
  private alternativeByKeys(s: ByteScanner, i: number): number {
    let seen = 0;
    let logprob = Number.NaN;
    this.altStart = -1;
    for (i = s.open(i, 0x7b); i >= 0 && s.more; i = s.separator(i, 0x7d)) {
      i = s.member(i, ALTERNATIVE_KEYS, seen);
      if (i < 0) return -1;
      seen |= 1 << s.memberKey;
      if (s.memberKey === ALTERNATIVE_LOGPROB) {
        i = this.logprobAt(s, i);
        logprob = this.logprob;
      } else if (s.memberKey === ALTERNATIVE_TOKEN && s.buf[i] === 0x22) {
        i = s.string(i);
        this.altText(s);
      } else {
        i = s.skipValue(i);
      }
      if (i < 0) return -1;
    }
    this.logprob = logprob;
    return (seen & (1 << ALTERNATIVE_LOGPROB)) === 0 ? -1 : i;
  }
}

const CHOICE_KEYS = keyTable('index', 'message', 'logprobs', 'finish_reason');
const CHOICE_INDEX = 0;
const CHOICE_LOGPROBS = 2;
const LOGPROBS_KEYS = keyTable('content', 'refusal');
const LOGPROBS_REFUSAL = 1;
const ENTRY_KEYS = keyTable('token', 'logprob', 'bytes', 'top_logprobs');
const ENTRY_TOKEN = 0;
const ENTRY_LOGPROB = 1;
const ENTRY_BYTES = 2;
const ENTRY_TOP = 3;
const ALTERNATIVE_KEYS = keyTable('token', 'logprob', 'bytes');
const ALTERNATIVE_TOKEN = 0;
const ALTERNATIVE_LOGPROB = 1;
/** OpenAI's own layout of an entry and of an alternative. */
const LAYOUT_TOKEN = bytesOf('{"token":');
const LAYOUT_LOGPROB = bytesOf(',"logprob":');
const LAYOUT_BYTES = bytesOf(',"bytes":');
const LAYOUT_TOP = bytesOf(',"top_logprobs":');
