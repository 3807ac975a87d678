import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/errors.js';
import { isRecord, recordId, sequenceIdField } from '../../src/formats/record-fields.js';

describe('record ids: one rule, two answers for a field that holds something else', () => {
  it('takes a non-empty string or a finite number as the id, and falls back when there is none', () => {
    for (const read of [(v: unknown) => sequenceIdField(v, 'id', 'f.jsonl:3'), (v: unknown) => recordId(v, 'f.jsonl:3')]) {
      expect(read('q-17')).toBe('q-17');
      expect(read(42)).toBe('42');
      expect(read(-0.5)).toBe('-0.5');
      expect(read(undefined)).toBe('f.jsonl:3');
      expect(read(null)).toBe('f.jsonl:3');
      expect(read('')).toBe('f.jsonl:3');
    }
  });

  it('makes a xent record bad when its id is neither, naming the field', () => {
    for (const odd of [true, {}, [1], Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sequenceIdField(odd, 'id', 'f.jsonl:3')).toThrow(RecordError);
    }
    expect(() => sequenceIdField(true, 'custom', 'f.jsonl:3')).toThrow(/^custom is /);
  });

  it("falls back for an OpenAI-family record whose id is neither (the server's id, not the user's)", () => {
    for (const odd of [true, {}, [1], Number.NaN, Number.POSITIVE_INFINITY]) expect(recordId(odd, 'f.jsonl:3')).toBe('f.jsonl:3');
  });

  it('calls a JSON object a record, and nothing else', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true]);
    expect([null, [], 'x', 1, undefined].map(isRecord)).toEqual([false, false, false, false, false]);
  });
});
