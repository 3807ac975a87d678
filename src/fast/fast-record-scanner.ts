import type { FormatName } from '../formats/adapter.js';
import type { TokenBatch } from '../formats/scored-batch.js';
import type { ScoredRecord } from '../formats/record-outcome.js';
import { ByteScanner, keyTable } from './byte-scanner.js';
import { ChatChoicesScanner } from './chat-choices-scanner.js';
import { FlatSequenceScanner } from './flat-sequence-scanner.js';
import { TokenColumns } from './token-columns.js';

/** Which shapes the fast path may read (a forced --input-format allows only its own). */
export interface FastShapes {
  /** xent-sequence lines: {"id", "logprobs", "tokens"?, "top_logprobs"?, "bytes"?, "segment"?}. */
  flat: boolean;
  /** openai-chat responses: {"id", "object": "chat.completion", "choices", …}. */
  chat: boolean;
}

/**
 * One line's bytes → the scored record that the full path (decodeLine, detectAdapter, the
 * adapter) would give for it, or undefined when the line must take the full path. It reads two
 * shapes, and only with the keys listed below, each at most once, in any order: with those keys,
 * no adapter earlier in the registry's detection order can match, so detecting the shape here is
 * detecting the adapter. Any other key, a duplicate, an escape in a key, a non-finite literal, a
 * value of an unexpected type or a record the adapter would reject all go to the full path, which
 * then reports them exactly as without the fast path. Batches carry no token texts.
 */
export class FastRecordScanner {
  private readonly scanner = new ByteScanner();
  private readonly columns = new TokenColumns();
  private readonly flat = new FlatSequenceScanner();
  private readonly chat: ChatChoicesScanner;

  /** `listing`: chat batches also say whether each token is among its alternatives (TokenBatch.listing). */
  constructor(
    private readonly shapes: FastShapes,
    listing = false,
  ) {
    this.chat = new ChatChoicesScanner(listing);
  }

  /** The record in buf[start, end) (buf[end] must be below 0x20, as LineVisitor guarantees). */
  scan(buf: Buffer, start: number, end: number, file: string, line: number, offset: number): ScoredRecord | undefined {
    const s = this.scanner;
    s.reset(buf, end);
    this.flat.clear();
    const batches: TokenBatch[] = [];
    let seen = 0;
    let idStart = -1;
    let idEnd = -1;
    let idEscaped = false;
    let chatObject = false;
    let i: number;
    for (i = s.open(start, 0x7b); i >= 0 && s.more; i = s.separator(i, 0x7d)) {
      i = s.member(i, TOP_KEYS, seen);
      if (i < 0) return undefined;
      const key = s.memberKey;
      seen |= 1 << key;
      switch (key) {
        case ID:
          if (s.isNull(i)) {
            i += 4;
          } else {
            // A number id would need String(number) exactly as the adapter spells it: rare, left to it.
            if (buf[i] !== 0x22) return undefined;
            i = s.string(i);
            idStart = s.stringStart;
            idEnd = s.stringEnd;
            idEscaped = s.escaped;
          }
          break;
        case OBJECT:
          if (buf[i] !== 0x22) return undefined;
          i = s.string(i);
          chatObject = s.stringIs(CHAT_COMPLETION);
          break;
        case CHOICES:
          i = this.chat.choicesAt(s, i, this.columns, batches);
          break;
        case LOGPROBS:
          i = this.flat.logprobsAt(s, i);
          break;
        case TOKENS:
          i = this.flat.tokensAt(s, i);
          break;
        case TOP_LOGPROBS:
          i = this.flat.topLogprobsAt(s, i);
          break;
        case BYTES:
          i = this.flat.bytesAt(s, i);
          break;
        case SEGMENT:
          i = this.flat.segmentAt(s, i);
          break;
        default:
          i = s.skipValue(i);
      }
      if (i < 0) return undefined;
    }
    if (i < 0) return undefined;
    if (s.ws(i) !== end) return undefined;

    const origin = { file, line, offset };
    let baseId = '';
    if (idEnd > idStart) baseId = idEscaped ? (JSON.parse(buf.toString('utf8', idStart - 1, idEnd + 1)) as string) : buf.toString('utf8', idStart, idEnd);
    // No id, or an empty one: the record is named after its line, as scoreRecord names it.
    if (baseId === '') baseId = `${file}:${line}`;
    if ((seen & CHAT_ONLY) === 0 && this.flat.hasLogprobs) {
      if (!this.shapes.flat) return undefined;
      const batch = this.flat.build(this.columns, baseId);
      if (batch === undefined) return undefined;
      return { kind: 'scored', items: [batch], origin, format: XENT_SEQUENCE };
    }
    if ((seen & FLAT_ONLY) === 0 && chatObject && (seen & (1 << CHOICES)) !== 0) {
      if (!this.shapes.chat) return undefined;
      const indices = this.chat.indices;
      for (let b = 0; b < batches.length; b++) {
        const index = indices[b] as number;
        (batches[b] as TokenBatch).sequenceId = index === 0 ? baseId : `${baseId}#${index}`;
      }
      return { kind: 'scored', items: batches, origin, format: OPENAI_CHAT };
    }
    return undefined;
  }
}

const TOP_KEYS = keyTable(
  'id',
  'object',
  'created',
  'model',
  'choices',
  'usage',
  'system_fingerprint',
  'service_tier',
  'logprobs',
  'tokens',
  'top_logprobs',
  'bytes',
  'segment',
);
const ID = 0;
const OBJECT = 1;
const CHOICES = 4;
const LOGPROBS = 8;
const TOKENS = 9;
const TOP_LOGPROBS = 10;
const BYTES = 11;
const SEGMENT = 12;
/** Keys of a chat completion (bits 1–7) and of an xent sequence (bits 8–12); `id` is both's. */
const CHAT_ONLY = 0b11111110;
const FLAT_ONLY = 0b1111100000000;
const CHAT_COMPLETION = Buffer.from('chat.completion');
const XENT_SEQUENCE: FormatName = 'xent-sequence';
const OPENAI_CHAT: FormatName = 'openai-chat';
