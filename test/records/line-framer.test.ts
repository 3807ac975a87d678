import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineFramer, type FramedItem } from '../../src/records/line-framer.js';

function frame(input: Buffer, chunkSizes: number[] | number, options = {}): FramedItem[] {
  const framer = new LineFramer(options);
  const out: FramedItem[] = [];
  let pos = 0;
  let i = 0;
  while (pos < input.length) {
    const size = typeof chunkSizes === 'number' ? chunkSizes : (chunkSizes[i++ % chunkSizes.length] as number);
    framer.push(input.subarray(pos, pos + Math.max(1, size)), out);
    pos += Math.max(1, size);
  }
  framer.end(out);
  return out;
}

const SAMPLE = Buffer.from('\ufeff{"a":"é✓😀"}\r\n\n{"b":2}\r\nlast line without newline ü', 'utf8');

describe('LineFramer', () => {
  it('gives 1-based line numbers, byte offsets and ends, dropping BOM and CR', () => {
    const lines = frame(SAMPLE, 1 << 16);
    expect(lines.map((l) => (l.kind === 'line' ? l.text : null))).toEqual(['{"a":"é✓😀"}', '', '{"b":2}', 'last line without newline ü']);
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4]);
    // BOM (3 bytes) + {"a":" (6) + é (2) + ✓ (3) + 😀 (4) + "} (2) + CRLF (2) = 22
    expect(lines.map((l) => [l.offset, l.end])).toEqual([
      [0, 22],
      [22, 23],
      [23, 32],
      [32, SAMPLE.length],
    ]);
    expect(lines.map((l) => l.terminated)).toEqual([true, true, true, false]);
  });

  it('gives the same lines at every chunk size from 1 to 12 (inside UTF-8 characters and CRLF too)', () => {
    const expected = frame(SAMPLE, 1 << 16);
    for (let size = 1; size <= 12; size++) expect(frame(SAMPLE, size)).toEqual(expected);
  });

  it('gives the same lines for any random chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom('\n', '\r\n'),
        (texts, sizes, eol) => {
          const input = Buffer.from(texts.map((t) => t.replace(/[\r\n]/g, '')).join(eol), 'utf8');
          expect(frame(input, sizes)).toEqual(frame(input, 1 << 20));
        },
      ),
    );
  });

  it('skips an overlong line without buffering it and says where it was, then goes on', () => {
    const input = Buffer.from(`{"ok":1}\n${'x'.repeat(100)}\r\n{"ok":2}\n`);
    for (const size of [1, 7, 1000]) {
      const lines = frame(input, size, { maxLineBytes: 50 });
      expect(lines).toEqual([
        { kind: 'line', text: '{"ok":1}', line: 1, offset: 0, end: 9, terminated: true },
        { kind: 'overlong', line: 2, offset: 9, end: 111, bytes: 100, terminated: true },
        { kind: 'line', text: '{"ok":2}', line: 3, offset: 111, end: 120, terminated: true },
      ]);
    }
  });

  it('resumes at a given offset and line', () => {
    const framer = new LineFramer({ startOffset: 100, startLine: 7 });
    const out: FramedItem[] = [];
    framer.push(Buffer.from('\ufeffa\nb\n'), out);
    // Not at the start of the input: the BOM bytes are kept as text.
    expect(out[0]).toMatchObject({ line: 7, offset: 100, end: 105 });
    expect(framer.committedOffset).toBe(107);
    expect(framer.nextLine).toBe(9);
  });

  it('rejects a nonsensical maximum with a message naming the option', () => {
    expect(() => new LineFramer({ maxLineBytes: 0 })).toThrow(/maxLineBytes/);
  });
});
