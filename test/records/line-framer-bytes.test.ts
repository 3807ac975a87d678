import { describe, expect, it } from 'vitest';
import { LineFramer, type FramedItem, type LineVisitor, type OverlongLine } from '../../src/records/line-framer.js';

/**
 * LineFramer.frame — the byte-level face of the framer that the fast path reads from — against
 * push (which is built on it): the same lines, and after every line's bytes a byte below 0x20,
 * which the fast path's scanner relies on to stop without a bounds check.
 */
function framedBytes(input: Buffer, chunkSize: number, maxLineBytes?: number): { lines: FramedItem[]; terminators: number[] } {
  const framer = new LineFramer({ maxLineBytes });
  const lines: FramedItem[] = [];
  const terminators: number[] = [];
  const visitor: LineVisitor = {
    line(buf, start, end, line, offset, next, terminated) {
      terminators.push(buf[end] as number);
      lines.push({ kind: 'line', text: buf.toString('utf8', start, end), line, offset, end: next, terminated });
    },
    overlong(item: OverlongLine) {
      lines.push(item);
    },
  };
  for (let pos = 0; pos < input.length; pos += chunkSize) framer.frame(input.subarray(pos, pos + chunkSize), visitor);
  framer.finish(visitor);
  return { lines, terminators };
}

function pushed(input: Buffer, maxLineBytes?: number): FramedItem[] {
  const framer = new LineFramer({ maxLineBytes });
  const out: FramedItem[] = [];
  framer.push(input, out);
  framer.end(out);
  return out;
}

const INPUT = Buffer.from('\ufeff{"a":"é✓😀"}\r\n\n{"b":2}\r\n' + 'x'.repeat(40) + '\nlast line without newline ü', 'utf8');

describe('LineFramer.frame (bytes)', () => {
  it('gives the lines push gives, at every chunk size, each followed by a byte below 0x20', () => {
    for (const maxLineBytes of [undefined, 30]) {
      for (let size = 1; size <= 13; size++) {
        const { lines, terminators } = framedBytes(INPUT, size, maxLineBytes);
        expect(lines).toEqual(pushed(INPUT, maxLineBytes));
        for (const t of terminators) expect(t).toBeLessThan(0x20);
      }
    }
  });
});
