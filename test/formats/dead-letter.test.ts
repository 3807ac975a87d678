import { describe, expect, it } from 'vitest';
import { deadLetterLine } from '../../src/formats/dead-letter.js';

describe('deadLetterLine', () => {
  it('writes where the record was, why, and its raw text, as one JSON line', () => {
    const line = deadLetterLine({ file: 'a.jsonl', line: 3, offset: 120, code: 'INVALID_JSON', reason: 'invalid JSON: x' }, '{"a":');
    expect(line).toBe('{"file":"a.jsonl","line":3,"offset":120,"code":"INVALID_JSON","reason":"invalid JSON: x","raw":"{\\"a\\":"}\n');
  });

  it('leaves out what is unknown (no line in a JSON document, no raw text) and puts context fields first', () => {
    const line = deadLetterLine({ file: 'd.json', element: 4, code: 'INVALID_RECORD', reason: 'r' }, undefined, { side: 'b' });
    expect(line).toBe('{"side":"b","file":"d.json","element":4,"code":"INVALID_RECORD","reason":"r"}\n');
  });
});
