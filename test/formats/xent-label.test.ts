import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelBatch, ScoredItem } from '../../src/formats/scored-batch.js';
import { xentLabelAdapter } from '../../src/formats/xent-label.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { readJsonLines } from '../helpers/read-json-lines.js';

const lines = readJsonLines(fileURLToPath(new URL('../fixtures/xent/labels.jsonl', import.meta.url)));

function one(items: ScoredItem[]): LabelBatch {
  expect(items).toHaveLength(1);
  const [item] = items;
  if (item?.kind !== 'labels') throw new Error('expected a label batch');
  return item;
}
const decode = (record: unknown) => one(xentLabelAdapter.decode(record, { fallbackId: 'l.jsonl:1' }));
const loss = (record: unknown) => {
  const { losses } = decode(record);
  expect(losses.length).toBe(1);
  return losses[0]!;
};

describe('xent-label detect', () => {
  it('recognises binary and multi-class lines', () => {
    for (const line of lines) expect(xentLabelAdapter.detect(line)).toBe(true);
    expect(xentLabelAdapter.detect({ label: 2, probs: [0.2, 0.3, 0.5] })).toBe(true);
  });
  it('rejects neighbours and junk', () => {
    for (const junk of [null, undefined, 1, 'x', [], {}, { label: 1 }, { prob: 0.5 }]) expect(xentLabelAdapter.detect(junk)).toBe(false);
    expect(xentLabelAdapter.detect({ id: 'a', probs: [[1]], targets: [0] })).toBe(false);
    expect(xentLabelAdapter.detect({ sequence_id: 'a', logprob: -1 })).toBe(false);
  });
});

describe('xent-label decode (scikit-learn log_loss semantics)', () => {
  it('worked example: labels [1,0,0,1], prob [0.7,0.2,0.1,0.9] → mean loss 0.1976348816421487', () => {
    // python3 -c "from sklearn.metrics import log_loss; print(log_loss([1,0,0,1],[0.7,0.2,0.1,0.9]))" -> 0.1976348816421487
    const losses = lines.map(loss);
    // python3 -c "import math; print([-math.log(0.7), -math.log(1-0.2), -math.log(1-0.1), -math.log(0.9)])"
    expect(losses).toEqual([0.35667494393873245, 0.2231435513142097, 0.10536051565782628, 0.10536051565782628]);
    const mean = (losses[0]! + losses[1]! + losses[2]! + losses[3]!) / 4;
    expect(Math.abs(mean - 0.1976348816421487)).toBeLessThanOrEqual(1e-15);
  });

  it('one LabelBatch per line; id if present, else fallbackId', () => {
    expect(decode(lines[0])).toMatchObject({ kind: 'labels', sequenceId: 'l.jsonl:1' });
    expect(decode({ id: 'q7', label: true, prob: 0.5 }).sequenceId).toBe('q7');
    expect(decode({ id: 3, label: false, prob: 0.5 }).sequenceId).toBe('3');
  });

  it('true/false labels; probs rows indexed by label; a one-column row is [1 − p, p]', () => {
    expect(loss({ label: true, prob: 0.7 })).toBe(loss({ label: 1, prob: 0.7 }));
    expect(loss({ label: false, prob: 0.7 })).toBe(loss({ label: 0, prob: 0.7 }));
    // python3 -c "import math; print(-math.log(0.25))"
    expect(loss({ label: 2, probs: [0.5, 0.25, 0.25] })).toBe(1.3862943611198906);
    expect(loss({ label: 0, probs: [0.7] })).toBe(loss({ label: 0, prob: 0.7 }));
  });

  it('clips to [eps, 1 − eps] with eps = 2.220446049250313e-16', () => {
    // python3 -c "import math; eps=2.220446049250313e-16; print(-math.log(eps), -math.log(1-eps))"
    expect(loss({ label: 1, prob: 0 })).toBe(36.04365338911715);
    expect(loss({ label: 0, prob: 1 })).toBe(36.04365338911715);
    expect(loss({ label: 1, prob: 1 })).toBe(2.2204460492503136e-16);
    expect(loss({ label: 1, probs: [1, 0] })).toBe(36.04365338911715);
  });

  it('rows not summing to 1 are not renormalised (scikit-learn ≥ 1.5 only warns)', () => {
    // python3 -c "import math; print(-math.log(0.25))"
    expect(loss({ label: 1, probs: [0.25, 0.25] })).toBe(1.3862943611198906);
  });

  it('what scikit-learn raises on is a RecordError', () => {
    expect(() => decode({ label: 1, prob: 1.2 })).toThrow(/prob is 1\.2, greater than 1/);
    expect(() => decode({ label: 1, prob: -0.1 })).toThrow(/prob is -0\.1, lower than 0/);
    expect(() => decode({ label: 1, probs: [0.5, 1.5] })).toThrow(/probs\[1\] is 1\.5, greater than 1/);
    expect(() => decode({ label: 2, prob: 0.5 })).toThrow(/label is number 2, not 0 or 1/);
    expect(() => decode({ label: 'spam', prob: 0.5 })).toThrow(/label is the string "spam"/);
    expect(() => decode({ label: 3, probs: [0.5, 0.5] })).toThrow(/label is number 3, not an integer index into probs \(2 entries\)/);
    expect(() => decode({ label: 0.5, probs: [0.5, 0.5] })).toThrow(/label is number 0\.5/);
    expect(() => decode({ label: 1, prob: '0.5' })).toThrow(/prob is the string "0\.5", not a probability/);
    expect(() => decode({ label: 1, probs: [] })).toThrow(/probs is empty/);
    expect(() => decode({ label: 1, probs: 'x' })).toThrow(/probs is the string "x", not an array/);
    expect(() => decode({ label: 1, prob: 0.5, probs: [0.5, 0.5] })).toThrow(/both prob and probs/);
    expect(() => decode({ label: 1, prob: null })).toThrow(/neither prob nor probs/);
    expect(() => decode({ id: [], label: 1, prob: 0.5 })).toThrow(/id is an array/);
  });
});

describe('xent-label robustness', () => {
  it('detect never throws; decode returns or throws RecordError, never a TypeError (property)', () => {
    expectRobustAdapter(xentLabelAdapter, fc.oneof(fc.jsonValue(), fc.record({ id: fc.jsonValue(), label: fc.oneof(fc.jsonValue(), fc.integer({ min: -1, max: 3 })), prob: fc.oneof(fc.jsonValue(), fc.double()), probs: fc.oneof(fc.jsonValue(), fc.array(fc.double({ min: 0, max: 1 }))) }, { requiredKeys: [] })));
  });
});
