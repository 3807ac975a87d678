import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xentTokenAdapter } from '../../src/formats/xent-token.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { oneTokenBatch } from '../helpers/one-token-batch.js';
import { readJsonLines } from '../helpers/read-json-lines.js';

const lines = readJsonLines(fileURLToPath(new URL('../fixtures/xent/tokens.jsonl', import.meta.url)));

const decode = (record: unknown, fallbackId = 'tok.jsonl:9') => oneTokenBatch(xentTokenAdapter.decode(record, { fallbackId }));

describe('xent-token detect', () => {
  it('recognises token lines', () => {
    for (const line of lines) expect(xentTokenAdapter.detect(line)).toBe(true);
  });
  it('rejects neighbours and junk', () => {
    for (const junk of [null, undefined, 0, 'x', [], {}, { logprob: -1 }, { sequence_id: 'a' }]) expect(xentTokenAdapter.detect(junk)).toBe(false);
    expect(xentTokenAdapter.detect({ id: 'a', logprobs: [-1] })).toBe(false);
    expect(xentTokenAdapter.detect({ label: 1, prob: 0.5 })).toBe(false);
  });
});

describe('xent-token decode', () => {
  it('interleaved sequences: one position per line, final only where flagged', () => {
    const got = lines.map((l) => decode(l)).map((b) => [b.sequenceId, b.segment, Array.from(b.logprobs), b.unscored, b.final]);
    expect(got).toEqual([
      ['a', 'prompt', [], 1, false],
      ['b', 'completion', [-0.5], 0, false],
      ['a', 'completion', [-1.25], 0, false],
      ['b', 'completion', [-2], 0, true],
      ['a', 'completion', [0], 0, true],
    ]);
  });

  it('text and bytes (a count or byte values)', () => {
    const b = decode(lines[1]);
    expect(b.tokens).toEqual(['Hi']);
    expect(Array.from(b.bytes!)).toEqual([2]);
    const c = decode(lines[2]);
    expect(c.tokens).toEqual(['é']);
    expect(Array.from(c.bytes!)).toEqual([2]);
    expect(decode(lines[3]).bytes).toBeUndefined();
  });

  it('sentinels pass through; missing id → fallbackId', () => {
    expect(Array.from(decode({ sequence_id: 'a', logprob: -9999 }).logprobs)).toEqual([-9999]);
    expect(Array.from(decode({ sequence_id: 'a', logprob: -3.4028234663852886e38 }).logprobs)).toEqual([-3.4028234663852886e38]);
    expect(decode({ sequence_id: '', logprob: -1 }).sequenceId).toBe('tok.jsonl:9');
    expect(decode({ sequence_id: null, logprob: -1 }).sequenceId).toBe('tok.jsonl:9');
    expect(decode({ sequence_id: 4, logprob: -1 }).sequenceId).toBe('4');
  });

  it('bad values are RecordErrors naming the field', () => {
    expect(() => decode({ sequence_id: 'a', logprob: 1 })).toThrow(/logprob: logprob 1 is positive/);
    expect(() => decode({ sequence_id: 'a', logprob: 'abc' })).toThrow(/logprob: logprob is the string "abc"/);
    expect(() => decode({ sequence_id: 'a', logprob: [] })).toThrow(/logprob is an array, not a number/);
    expect(() => decode({ sequence_id: 'a', logprob: -1, final: 'yes' })).toThrow(/final is the string "yes", not true or false/);
    expect(() => decode({ sequence_id: 'a', logprob: -1, bytes: -1 })).toThrow(/bytes is -1, not a byte count/);
    expect(() => decode({ sequence_id: 'a', logprob: -1, bytes: ['a'] })).toThrow(/bytes\[0\] is the string "a"/);
    expect(() => decode({ sequence_id: 'a', logprob: -1, bytes: {} })).toThrow(/bytes is an object/);
    expect(() => decode({ sequence_id: 'a', logprob: -1, token: 5 })).toThrow(/token is number 5, not a string/);
    expect(() => decode({ sequence_id: 'a', logprob: -1, segment: 'x' })).toThrow(/segment is the string "x"/);
    expect(() => decode({ sequence_id: true, logprob: -1 })).toThrow(/sequence_id is boolean true/);
  });
});

describe('xent-token robustness', () => {
  it('detect never throws; decode returns or throws RecordError, never a TypeError (property)', () => {
    expectRobustAdapter(xentTokenAdapter, fc.oneof(fc.jsonValue(), fc.record({ sequence_id: fc.jsonValue(), logprob: fc.oneof(fc.jsonValue(), fc.double()), token: fc.jsonValue(), bytes: fc.jsonValue(), segment: fc.jsonValue(), final: fc.jsonValue() }, { requiredKeys: [] })));
  });
});
