import { describe, expect, it } from 'vitest';
import { decodeSequenceHeader, decodeSequenceRecord, encodeSequenceRecord, PREFIX_BYTES, recordLength } from '../../src/compare/sequence-record.js';
import type { SequenceSummary } from '../../src/compare/sequence-collector.js';

const summary: SequenceSummary = {
  id: 'é "quoted" ✓',
  tokens: 4,
  nll: Number.POSITIVE_INFINITY,
  cross_entropy: Number.POSITIVE_INFINITY,
  file: 'a.jsonl',
  line: 7,
  positions: [
    { full: { kind: 'logits', values: [1e4, -1e4, 0.1 + 0.2, -0] }, nextLogprob: -1e-300 },
    { full: { kind: 'probs', values: Float64Array.of(0.5, 0.5, 0, 5e-324) } },
    { listed: { tokens: ['a', ' b', '"c"'], logprobs: [-0.1, Number.NEGATIVE_INFINITY, -9999] }, nextLogprob: Number.NEGATIVE_INFINITY, token: ' b' },
    { nextLogprob: -2.5 },
  ],
};

describe('sequence records', () => {
  it('round-trip every number bit for bit, ±Infinity and the next logprob\'s absence included', () => {
    const back = decodeSequenceRecord(encodeSequenceRecord(summary));
    expect(back.id).toBe(summary.id);
    expect(back.line).toBe(7);
    expect(back.nll).toBe(Number.POSITIVE_INFINITY);
    expect(back.positions).toHaveLength(4);
    expect(Array.from(back.positions[0]?.full?.values ?? [])).toEqual([1e4, -1e4, 0.1 + 0.2, -0]);
    expect(Object.is(back.positions[0]?.full?.values[3], -0)).toBe(true);
    expect(back.positions[0]?.nextLogprob).toBe(-1e-300);
    expect(back.positions[1]).toEqual({ full: { kind: 'probs', values: Float64Array.of(0.5, 0.5, 0, 5e-324) } });
    expect(back.positions[2]?.listed?.tokens).toEqual(['a', ' b', '"c"']);
    expect(Array.from(back.positions[2]?.listed?.logprobs ?? [])).toEqual([-0.1, Number.NEGATIVE_INFINITY, -9999]);
    expect(back.positions[2]?.nextLogprob).toBe(Number.NEGATIVE_INFINITY);
    expect(back.positions[2]?.token).toBe(' b');
    expect(back.positions[0]?.token).toBeUndefined();
    expect(back.positions[3]).toEqual({ nextLogprob: -2.5 });
  });

  it('say their length in the prefix, and their header can be read alone', () => {
    const record = encodeSequenceRecord(summary);
    const { headerBytes, total } = recordLength(record.subarray(0, PREFIX_BYTES));
    expect(total).toBe(record.length);
    expect(decodeSequenceHeader(record.subarray(0, PREFIX_BYTES + headerBytes)).id).toBe(summary.id);
  });

  it('decode from a buffer whose doubles are not 8-aligned (a copy, same values)', () => {
    const record = encodeSequenceRecord(summary);
    const shifted = Buffer.alloc(record.length + 3);
    record.copy(shifted, 3);
    const back = decodeSequenceRecord(shifted.subarray(3));
    expect(Array.from(back.positions[1]?.full?.values ?? [])).toEqual([0.5, 0.5, 0, 5e-324]);
  });
});
