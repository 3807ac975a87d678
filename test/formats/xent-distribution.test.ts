import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xentDistributionAdapter } from '../../src/formats/xent-distribution.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { oneTokenBatch } from '../helpers/one-token-batch.js';
import { readJsonLines } from '../helpers/read-json-lines.js';

const lines = readJsonLines(fileURLToPath(new URL('../fixtures/xent/distributions.jsonl', import.meta.url)));

const decode = (record: unknown) => oneTokenBatch(xentDistributionAdapter.decode(record, { fallbackId: 'd.jsonl:1' }));

describe('xent-distribution detect', () => {
  it('recognises logits and probs lines', () => {
    for (const line of lines) expect(xentDistributionAdapter.detect(line)).toBe(true);
  });
  it('rejects neighbours and junk', () => {
    for (const junk of [null, undefined, 1, 'x', [], {}, { logits: [[0]] }, { targets: [0] }, { probs: 'x', targets: [] }]) {
      expect(xentDistributionAdapter.detect(junk)).toBe(false);
    }
    expect(xentDistributionAdapter.detect({ label: 1, probs: [0.5, 0.5] })).toBe(false);
    expect(xentDistributionAdapter.detect({ id: 'a', logprobs: [-1] })).toBe(false);
  });
});

describe('xent-distribution decode', () => {
  it('probs [[0.5, 0.25, 0.25]] target 0: exactly 1.5 bits, 1.0397207708399179 nats, logprob ln 0.5', () => {
    const b = decode(lines[0]);
    expect(b).toMatchObject({ sequenceId: 'dyadic', segment: 'completion', unscored: 0, final: true });
    // python3 -c "import math; p=[0.5,0.25,0.25]; print(-sum(x*math.log(x) for x in p), -sum(x*math.log2(x) for x in p), math.log(0.5))"
    expect(b.entropyBits![0]).toBe(1.5);
    expect(b.entropy![0]).toBe(1.0397207708399179);
    expect(Array.from(b.logprobs)).toEqual([-0.6931471805599453]);
    expect(b.topK).toBeUndefined();
  });

  it('logits: log-softmax by log-sum-exp; ±1e4 neither overflows nor loses the target', () => {
    const b = decode(lines[1]);
    // python3 -c "import math; l=[1.0,2.0,3.0]; m=max(l); lse=m+math.log(sum(math.exp(x-m) for x in l)); print(l[0]-lse, -sum(math.exp(x-lse)*(x-lse) for x in l))"
    expect(b.logprobs[0]).toBeCloseTo(-2.4076059644443806, 14);
    expect(b.entropy![0]).toBeCloseTo(0.8323955818399389, 14);
    // python3 -c "import math; print(-1e4 - (1e4 + math.log(1+math.exp(-2e4)+math.exp(-1e4))))"  -> -20000.0
    expect(b.logprobs[1]).toBe(-20000);
    expect(Number.isFinite(b.entropy![1])).toBe(true);
    expect(Number.isFinite(b.entropyBits![1])).toBe(true);
    expect(b.entropy![1]).toBeGreaterThanOrEqual(0);
    expect(b.entropy![1]).toBeLessThan(1e-300);
  });

  it('probs: p = 0 at the target is −Infinity (scored); entropy of a certain row is 0', () => {
    const b = decode(lines[2]);
    expect(Array.from(b.logprobs)).toEqual([Number.NEGATIVE_INFINITY]);
    expect(b.entropy![0]).toBe(0);
    expect(b.entropyBits![0]).toBe(0);
  });

  it('handles a 50k vocabulary row', () => {
    const row = Array.from({ length: 50_000 }, (_, i) => Math.sin(i) * 5);
    const b = decode({ id: 'big', logits: [row, row], targets: [0, 49_999] });
    expect(b.logprobs.length).toBe(2);
    // Uniform-ish bound: entropy ≤ ln 50000
    expect(b.entropy![0]).toBeLessThanOrEqual(Math.log(50_000));
  });

  it('adding a constant to a logits row leaves the target logprob unchanged (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 64 }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.nat(),
        (row, shift, pick) => {
          const target = pick % row.length;
          const a = decode({ logits: [row], targets: [target] }).logprobs[0]!;
          const b = decode({ logits: [row.map((x) => x + shift)], targets: [target] }).logprobs[0]!;
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('bad values are RecordErrors naming the field', () => {
    expect(() => decode({ probs: [[0.5, 0.25]], targets: [0] })).toThrow(/probs\[0\] sums to 0\.75, not 1 \(tolerance 0\.000001\)|probs\[0\] sums to 0\.75, not 1 \(tolerance 1e-6\)/);
    expect(() => decode({ probs: [[1.5, -0.5]], targets: [0] })).toThrow(/probs\[0\]\[0\] is number 1\.5, not a probability in \[0, 1\]/);
    expect(() => decode({ probs: [[0.5, -0.5, 1]], targets: [0] })).toThrow(/probs\[0\]\[1\] is number -0\.5/);
    expect(() => decode({ probs: [[1, '0']], targets: [0] })).toThrow(/probs\[0\]\[1\] is the string "0"/);
    expect(() => decode({ logits: [[1, 'x']], targets: [0] })).toThrow(/logits\[0\]\[1\] is the string "x", not a finite number/);
    expect(() => decode({ logits: [[1, 2]], targets: [2] })).toThrow(/targets\[0\] is 2, outside logits\[0\] \(2 entries\)/);
    expect(() => decode({ logits: [[1, 2]], targets: [-1] })).toThrow(/targets\[0\] is -1, outside/);
    expect(() => decode({ logits: [[1, 2]], targets: [0.5] })).toThrow(/targets\[0\] is number 0\.5, not an integer index/);
    expect(() => decode({ logits: [[1, 2]], targets: ['0'] })).toThrow(/targets\[0\] is the string "0"/);
    expect(() => decode({ logits: [[1, 2]], targets: [0, 1] })).toThrow(/logits has 1 rows but targets has 2/);
    expect(() => decode({ logits: [3], targets: [0] })).toThrow(/logits\[0\] is number 3, not an array/);
    expect(() => decode({ logits: [[1]], probs: [[1]], targets: [0] })).toThrow(/both logits and probs/);
    expect(() => decode({ logits: 'x', targets: [0] })).toThrow(/logits is the string "x", not an array of rows/);
  });
});

describe('xent-distribution robustness', () => {
  it('detect never throws; decode returns or throws RecordError, never a TypeError (property)', () => {
    expectRobustAdapter(xentDistributionAdapter, fc.oneof(fc.jsonValue(), fc.record({ id: fc.jsonValue(), logits: fc.oneof(fc.jsonValue(), fc.array(fc.array(fc.double()))), probs: fc.oneof(fc.jsonValue(), fc.array(fc.array(fc.double({ min: 0, max: 1 })))), targets: fc.oneof(fc.jsonValue(), fc.array(fc.integer({ min: -1, max: 4 }))) }, { requiredKeys: [] })));
  });
});

describe('xent-distribution soft targets', () => {
  it('detects lines with target_probs or target_logits in place of targets', () => {
    expect(xentDistributionAdapter.detect({ probs: [[1]], target_probs: [[1]] })).toBe(true);
    expect(xentDistributionAdapter.detect({ logits: [[0]], target_logits: [[0]] })).toBe(true);
  });

  it('scores −H(P, Q) per position and carries H(P): the worked example gives H(P, P) = H(P) = 1.5 bits', () => {
    const b = decode({ id: 's', probs: [[0.5, 0.25, 0.25]], target_probs: [[0.5, 0.25, 0.25]] });
    expect(b.entropyBits![0]).toBe(1.5);
    expect(-b.logprobs[0]!).toBe(b.entropy![0]);
  });

  it('gives H(P, Q) of a target against logits (python3: -fsum(p*log_softmax(q)) = 0.5632616875182228)', () => {
    // python3 -c "import numpy as np, math; from scipy.special import log_softmax;
    //   print(math.fsum(-np.array([0.25,0.75])*log_softmax([1.0,2.0])))"
    const b = decode({ logits: [[1, 2]], target_probs: [[0.25, 0.75]] });
    expect(b.logprobs[0]).toBeCloseTo(-0.5632616875182228, 14);
  });

  it('makes a bad record, naming the row, when P does not sum to 1 or lengths differ', () => {
    const bad = (record: unknown) => () => xentDistributionAdapter.decode(record, { fallbackId: 'x' });
    expect(bad({ probs: [[0.5, 0.5]], target_probs: [[0.5, 0.4]] })).toThrow(/target_probs\[0\] sums to 0.9, not 1 \(tolerance 0.000001\)|target_probs\[0\] sums to 0.9, not 1 \(tolerance 1e-6\)/);
    expect(bad({ probs: [[0.5, 0.5]], target_probs: [[0.5, 0.5], [1, 0]] })).toThrow('target_probs has 2 rows but probs has 1');
    expect(bad({ probs: [[0.5, 0.5]], target_probs: [[0.5, 0.25, 0.25]] })).toThrow('target_probs[0] has 3 entries but probs[0] has 2');
    expect(bad({ probs: [[1]], target_probs: [[1]], target_logits: [[0]] })).toThrow('both target_logits and target_probs');
    expect(bad({ probs: [[1]], target_probs: [[1]], targets: [0] })).toThrow('both targets and a target distribution');
    expect(bad({ logits: [[0, 1]], target_logits: [[0, Number.NaN]] })).toThrow('target_logits[0][1]');
  });
});
