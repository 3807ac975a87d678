import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/errors.js';
import { xentSequenceAdapter } from '../../src/formats/xent-sequence.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { oneTokenBatch } from '../helpers/one-token-batch.js';
import { readJsonLines } from '../helpers/read-json-lines.js';

const lines = readJsonLines(fileURLToPath(new URL('../fixtures/xent/sequences.jsonl', import.meta.url)));
const ctx = { fallbackId: 'seq.jsonl:3' };

const decode = (record: unknown) => oneTokenBatch(xentSequenceAdapter.decode(record, ctx));

describe('xent-sequence detect', () => {
  it('recognises sequence lines', () => {
    for (const line of lines) expect(xentSequenceAdapter.detect(line)).toBe(true);
    expect(xentSequenceAdapter.detect({ logprobs: [] })).toBe(true);
  });
  it('rejects neighbours and junk', () => {
    for (const junk of [null, undefined, 1, 'x', [], [{ logprobs: [] }], {}, { logprobs: 'x' }]) expect(xentSequenceAdapter.detect(junk)).toBe(false);
    expect(xentSequenceAdapter.detect({ sequence_id: 'a', logprob: -1 })).toBe(false);
    expect(xentSequenceAdapter.detect({ id: 'a', logits: [[0]], targets: [0] })).toBe(false);
    expect(xentSequenceAdapter.detect({ id: 'cmpl', object: 'text_completion', choices: [{ logprobs: { token_logprobs: [-1] } }] })).toBe(false);
  });
});

describe('xent-sequence decode', () => {
  it('a prompt line with a null first logprob, text and byte counts (null = unknown)', () => {
    const b = decode(lines[0]);
    expect(b).toMatchObject({ sequenceId: 'doc-1', segment: 'prompt', unscored: 1, final: true });
    expect(Array.from(b.logprobs)).toEqual([-1.5, -0.25]);
    expect(b.tokens).toEqual(['The', ' cat']);
    expect(Array.from(b.bytes!)).toEqual([3, 4]);
  });

  it('byte values per token, top-k (an empty list is k = 0), 0.0 is scored', () => {
    const b = decode(lines[1]);
    expect(b).toMatchObject({ sequenceId: 'doc-1', segment: 'completion', unscored: 0, final: true });
    expect(Array.from(b.logprobs)).toEqual([-3, 0]);
    expect(Array.from(b.bytes!)).toEqual([4, 1]);
    expect(Array.from(b.topK!.k)).toEqual([2, 0]);
    // python3 -c "import math; print(math.exp(-0.5)+math.exp(-2.0), -(math.exp(-0.5)*-0.5+math.exp(-2.0)*-2.0))"
    expect(b.topK!.mass[0]).toBeCloseTo(0.7418659429492461, 15);
    expect(b.topK!.partialEntropy[0]).toBeCloseTo(0.5739358963295421, 15);
  });

  it('no id → fallbackId; sentinels pass through; no bytes → absent', () => {
    const b = decode(lines[2]);
    expect(b.sequenceId).toBe('seq.jsonl:3');
    expect(Array.from(b.logprobs)).toEqual([-9999, -3.4028234663852886e38]);
    expect(b.bytes).toBeUndefined();
    expect(b.tokens).toBeUndefined();
    expect(decode({ id: '', logprobs: [] }).sequenceId).toBe('seq.jsonl:3');
    expect(decode({ id: 12, logprobs: [] }).sequenceId).toBe('12');
  });

  it('bad values are RecordErrors naming the field', () => {
    expect(() => decode({ id: 'a', logprobs: [-1, 2] })).toThrow(/logprobs\[1\]: logprob 2 is positive/);
    expect(() => decode({ id: 'a', logprobs: ['-1'] })).toThrow(/logprobs\[0\]: logprob is the string "-1", not a number/);
    expect(() => decode({ id: 'a', logprobs: [-1], tokens: ['a', 'b'] })).toThrow(/tokens has 2 entries but logprobs has 1/);
    expect(() => decode({ id: 'a', logprobs: [-1], bytes: [] })).toThrow(/bytes has 0 entries but logprobs has 1/);
    expect(() => decode({ id: 'a', logprobs: [-1], top_logprobs: [[-1], [-2]] })).toThrow(/top_logprobs has 2 entries/);
    expect(() => decode({ id: 'a', logprobs: [-1], top_logprobs: [[0.5]] })).toThrow(/top_logprobs\[0\]\[0\]: logprob 0\.5 is positive/);
    expect(() => decode({ id: 'a', logprobs: [-1], top_logprobs: ['x'] })).toThrow(/top_logprobs\[0\] is the string "x", not an array/);
    expect(() => decode({ id: 'a', logprobs: [-1], bytes: [1.5] })).toThrow(/bytes\[0\] is 1\.5, not a byte count/);
    expect(() => decode({ id: 'a', logprobs: [-1], bytes: [[256]] })).toThrow(/bytes\[0\]\[0\] is number 256, not a byte value/);
    expect(() => decode({ id: 'a', logprobs: [-1], tokens: [3] })).toThrow(/tokens\[0\] is number 3, not a string/);
    expect(() => decode({ id: 'a', logprobs: [-1], segment: 'answer' })).toThrow(/segment is the string "answer"/);
    expect(() => decode({ id: {}, logprobs: [-1] })).toThrow(/id is an object/);
    expect(() => decode({ id: 'a', logprobs: 'x' })).toThrow(RecordError);
  });
});

describe('xent-sequence robustness', () => {
  it('detect never throws; decode returns or throws RecordError, never a TypeError (property)', () => {
    expectRobustAdapter(xentSequenceAdapter, fc.oneof(fc.jsonValue(), fc.record({ id: fc.jsonValue(), logprobs: fc.oneof(fc.jsonValue(), fc.array(fc.oneof(fc.double(), fc.constant(null)))), tokens: fc.jsonValue(), top_logprobs: fc.jsonValue(), bytes: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue())), segment: fc.jsonValue() }, { requiredKeys: [] })));
  });
});
