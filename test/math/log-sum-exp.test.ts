import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSoftmaxEntropy, logSumExp, probabilityEntropy, RunningLogSumExp } from '../../src/math/log-sum-exp.js';

describe('logSumExp', () => {
  it('agrees with the naive formula where that does not overflow', () => {
    // python3 -c "import math; print(math.log(math.exp(1)+math.exp(2)+math.exp(3)))" → 3.40760596444438
    expect(logSumExp([1, 2, 3])).toBeCloseTo(3.40760596444438, 14);
  });

  it('never overflows or vanishes on logits of ±1e4', () => {
    // log(e^1e4 + e^1e4) = 1e4 + ln 2
    expect(logSumExp([1e4, 1e4])).toBe(1e4 + Math.LN2);
    expect(logSumExp([-1e4, -1e4])).toBe(-1e4 + Math.LN2);
    expect(logSumExp([1e4, -1e4])).toBe(1e4);
    const h = logSoftmaxEntropy([1e4, -1e4, 0]);
    expect(Number.isFinite(h.lse)).toBe(true);
    expect(h.nats).toBe(0);
  });

  it('is shift-invariant: lse(x + c) = lse(x) + c', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (xs, c) => {
          const shifted = logSumExp(xs.map((x) => x + c));
          const expected = logSumExp(xs) + c;
          expect(Math.abs(shifted - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
        },
      ),
    );
  });

  it('handles -Infinity, +Infinity, NaN and empty input on purpose', () => {
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
    expect(logSumExp([Number.NEGATIVE_INFINITY, 0])).toBe(0);
    expect(logSumExp([Number.POSITIVE_INFINITY, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(logSumExp([Number.NaN, 0])).toBeNaN();
  });

  it('running form keeps an infinite or NaN state through JSON (a checkpoint must not turn it into 0)', () => {
    const inf = new RunningLogSumExp();
    inf.add(1);
    inf.add(Number.POSITIVE_INFINITY);
    const back = RunningLogSumExp.fromJSON(JSON.parse(JSON.stringify(inf.toJSON())));
    expect(back.value()).toBe(inf.value());
    const empty = RunningLogSumExp.fromJSON(JSON.parse(JSON.stringify(new RunningLogSumExp().toJSON())));
    expect(empty.value()).toBe(Number.NEGATIVE_INFINITY);
  });

  it('running form merges to the one-pass value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -800, max: 800, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.nat(), (xs, cut) => {
        const at = cut % (xs.length + 1);
        const a = new RunningLogSumExp();
        const b = new RunningLogSumExp();
        xs.slice(0, at).forEach((x) => a.add(x));
        xs.slice(at).forEach((x) => b.add(x));
        a.merge(b);
        const once = logSumExp(xs);
        expect(Math.abs(a.value() - once)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(once)));
        const restored = RunningLogSumExp.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
        expect(restored.value()).toBe(a.value());
      }),
    );
  });
});

describe('entropy', () => {
  it('P = {0.5, 0.25, 0.25} has entropy exactly 1.5 bits (1.0397207708399179 nats)', () => {
    const h = probabilityEntropy([0.5, 0.25, 0.25]);
    expect(h.bits).toBe(1.5);
    // python3 -c "import math; print(repr(1.5*math.log(2)))" → 1.0397207708399179
    expect(h.nats).toBe(1.0397207708399179);
  });

  it('log-softmax entropy of uniform logits is ln V', () => {
    const h = logSoftmaxEntropy([3, 3, 3, 3]);
    expect(h.nats).toBeCloseTo(Math.log(4), 15);
    expect(h.bits).toBeCloseTo(2, 15);
  });
});
