import { describe, expect, it } from 'vitest';
import type { RecordOutcome } from '../../src/formats/record-outcome.js';
import type { FramedItem } from '../../src/records/line-framer.js';
import { scoreFramed } from '../../src/records/score-framed.js';

const line = (text: string, n = 1): FramedItem => ({ kind: 'line', text, line: n, offset: 0, end: text.length + 1, terminated: true });

function outcomes(item: FramedItem): RecordOutcome[] {
  const out: RecordOutcome[] = [];
  scoreFramed(item, 'f.jsonl', undefined, (o) => out.push(o));
  return out;
}

describe('scoreFramed', () => {
  it('scores each element of an array line, named by line and element', () => {
    const out = outcomes(line('[{"id":"d","logprobs":[-1],"tokens":["a"]},{"x":1}]', 7));
    expect(out.map((o) => o.kind)).toEqual(['scored', 'bad']);
    expect(out[0]?.kind === 'scored' && out[0].origin).toEqual({ file: 'f.jsonl', line: 7, offset: 0, element: 0 });
    expect(out[1]?.kind === 'bad' && out[1].bad.code).toBe('UNKNOWN_FORMAT');
    expect(out[1]?.kind === 'bad' && out[1].bad.element).toBe(1);
  });

  it('gives nothing for blank lines and server-sent-event framing, and a bad record for broken JSON and overlong lines', () => {
    expect(outcomes(line('   '))).toEqual([]);
    expect(outcomes(line('data: [DONE]'))).toEqual([]);
    expect(outcomes(line('event: message'))).toEqual([]);
    const broken = outcomes(line('{"a":', 2));
    expect(broken).toHaveLength(1);
    expect(broken[0]?.kind === 'bad' && [broken[0].bad.code, broken[0].raw]).toEqual(['INVALID_JSON', '{"a":']);
    const long = outcomes({ kind: 'overlong', line: 3, offset: 10, end: 100, bytes: 89, terminated: true });
    expect(long[0]?.kind === 'bad' && long[0].bad.code).toBe('LINE_TOO_LONG');
  });
});
