import { describe, expect, it } from 'vitest';
import { FastRecordScanner } from '../../src/fast/fast-record-scanner.js';
import { decodeLine } from '../../src/records/line-decoder.js';
import { scoreRecord } from '../../src/records/record-scorer.js';
import type { DecodedRecord, RecordOutcome, ScoredRecord } from '../../src/formats/record-outcome.js';
import { fuzzLines } from './fuzz-corpus.js';
import { consumed, firstDifference } from './outcomes.js';

const FILE = 'in.jsonl';

/** The scanner on one line, as the framer hands it over: bytes followed by the line's LF. */
function scan(line: string, scanner = new FastRecordScanner({ flat: true, chat: true })): ScoredRecord | undefined {
  const buf = Buffer.from(`${line}\n`);
  return scanner.scan(buf, 0, buf.length - 1, FILE, 7, 100);
}

/** The full path on one line. */
function full(line: string): RecordOutcome[] {
  const decoded: DecodedRecord[] = [];
  decodeLine({ kind: 'line', text: line, line: 7, offset: 100, end: 100 + Buffer.byteLength(line) + 1, terminated: true }, FILE, decoded);
  return decoded.map((d) => (d.kind === 'record' ? scoreRecord(d, undefined) : d));
}

const CHAT =
  '{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Bern."},' +
  '"logprobs":{"content":[{"token":"Bern","logprob":-0.04858736,"bytes":[66,101,114,110],"top_logprobs":[{"token":"Bern","logprob":-0.04858736,"bytes":[66,101,114,110]},' +
  '{"token":"Zürich","logprob":-3.0485873,"bytes":[90,195,188,114,105,99,104]}]},{"token":".","logprob":null,"bytes":null,"top_logprobs":[]}],"refusal":null},"finish_reason":"stop"}],' +
  '"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11},"system_fingerprint":"fp_1"}';
const FLAT = '{"id": "doc-2", "logprobs": [-3.0390625, null, -1.15625], "tokens": [" sat", " on", " the"], "bytes": [4, [111, 110], 4], "top_logprobs": [[-1.2, -1.9], [], null]}';

describe('FastRecordScanner', () => {
  it('reads the OpenAI chat layout and Python-spaced xent sequences itself', () => {
    for (const line of [CHAT, FLAT]) {
      const fast = scan(line);
      expect(fast, line).toBeDefined();
      expect([consumed(fast as ScoredRecord)]).toEqual(full(line).map(consumed));
    }
  });

  it('names sequences as the adapters do: id, id#index, or file:line', () => {
    const two = CHAT.replace('"choices":[{"index":0', '"choices":[{"index":2').replace('"id":"chatcmpl-1",', '');
    expect(scan(two)?.items.map((i) => i.sequenceId)).toEqual(['in.jsonl:7#2']);
    expect(scan('{"id":"","logprobs":[-1]}')?.items.map((i) => i.sequenceId)).toEqual(['in.jsonl:7']);
    expect(scan('{"id":"a\\"b\\u00e9","logprobs":[-1]}')?.items.map((i) => i.sequenceId)).toEqual(['a"bé']);
  });

  it('leaves to the full parser what it does not know or the adapter would reject', () => {
    for (const line of [
      '{"id":"a","logprobs":[-1],"model":"x"}', // an extra key
      '{"id":"a","logprobs":[-1],"logprobs":[-2]}', // a duplicate key (JSON.parse keeps the last)
      '{"\\u0069d":"a","logprobs":[-1]}', // an escaped key
      '{"id":"a","logprobs":[-Infinity]}', // the lenient literal
      '{"id":"a","logprobs":[0.5]}', // positive: the adapter's message
      '{"id":"a","logprobs":[-1],"tokens":["x","y"]}', // lengths differ
      '{"id":1,"logprobs":[-1]}', // a number id
      '{"id":"a","logprobs":[-1]} x', // trailing garbage
      '{"id":"a","logprobs":[-01]}', // a leading zero
      '{"id":"a\tb","logprobs":[-1]}', // a raw control character
      '{"id":"a\\xb","logprobs":[-1]}', // a bad escape
      '{"id":"a","logprobs":[-1]', // truncated
      CHAT.replace('"chat.completion"', '"chat.completion.chunk"'),
      CHAT.replace('"logprob":-0.04858736,"bytes":[66', '"bytes":[66'),
      CHAT.replace('"refusal":null', '"refusal":null,"x":1'),
    ]) {
      expect(scan(line), line).toBeUndefined();
    }
  });

  it('gives exactly the full path\'s outcome for every fuzz line it takes, and takes most well-formed ones', () => {
    const scanner = new FastRecordScanner({ flat: true, chat: true });
    let taken = 0;
    const formats = { 'xent-sequence': 0, 'openai-chat': 0 } as Record<string, number>;
    const lines = [1, 2, 3, 4].flatMap((seed) => fuzzLines(seed, 500));
    for (const line of lines) {
      const fast = scan(line, scanner);
      if (fast === undefined) continue;
      taken++;
      formats[fast.format] = (formats[fast.format] ?? 0) + 1;
      expect(firstDifference([consumed(fast)], full(line).map(consumed)), line).toBeUndefined();
    }
    // About half the corpus is the two shapes with nothing odd enough to need the full parser,
    // in about equal parts (a scanner that falls back on every line would pass the check above).
    expect(taken).toBeGreaterThan(lines.length * 0.3);
    expect(formats['xent-sequence']).toBeGreaterThan(lines.length * 0.15);
    expect(formats['openai-chat']).toBeGreaterThan(lines.length * 0.15);
  });

  it('treats odd token texts as the full path does: bad UTF-8 and lone surrogates count, raw control characters do not', () => {
    // Token texts are skipped, but validated as JSON.parse would (JSON.parse reads a line decoded
    // with U+FFFD for bad UTF-8, and accepts escaped lone surrogates). Each case sits at every
    // offset within a 4-byte word, as strings are read a word at a time.
    const line = (token: Buffer, lead: number) =>
      Buffer.concat([Buffer.from(`{"id":"t","tokens":["${'a'.repeat(lead)}`), token, Buffer.from('","x"],"logprobs":[-1.5,-0.25]}')]);
    const counted = [
      [0xff], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x7f], // bad UTF-8, an encoded surrogate, DEL
      [...Buffer.from('\\ud800')], [...Buffer.from('\\udc00x')], [...Buffer.from('ab\\"c')], [...Buffer.from('\\\\')],
    ];
    const rejected = [[0x01], [0x1f], [0x09], [0x00], [...Buffer.from('\\x')], [...Buffer.from('\\u12')]];
    for (const lead of [0, 1, 2, 3]) {
      for (const bytes of [...counted, ...rejected]) {
        const buf = line(Buffer.from(bytes), lead);
        const text = buf.toString('utf8');
        const fast = new FastRecordScanner({ flat: true, chat: true }).scan(Buffer.concat([buf, Buffer.from('\n')]), 0, buf.length, FILE, 7, 100);
        const slow = full(text);
        const label = `${JSON.stringify(bytes)} after ${lead}`;
        if (counted.includes(bytes)) {
          expect(fast, label).toBeDefined();
          expect([consumed(fast as ScoredRecord)], label).toEqual(slow.map(consumed));
        } else {
          expect(fast, label).toBeUndefined();
          expect(slow.map((o) => o.kind), label).toEqual(['bad']);
        }
      }
    }
  });

  it('reads only the shapes it is given (a forced --input-format)', () => {
    expect(new FastRecordScanner({ flat: false, chat: true }).scan(Buffer.from(`${FLAT}\n`), 0, FLAT.length, FILE, 1, 0)).toBeUndefined();
    const chat = Buffer.from(`${CHAT}\n`);
    expect(new FastRecordScanner({ flat: true, chat: false }).scan(chat, 0, chat.length - 1, FILE, 1, 0)).toBeUndefined();
  });
});
