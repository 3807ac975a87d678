import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { softCrossEntropy } from '../../src/math/soft-cross-entropy.js';
import { topKKlLowerBound } from '../../src/math/top-k-kl-lower-bound.js';

/** The k most likely tokens of a full distribution given as logits, as a server would list them. */
function topK(logits: number[], k: number): { tokens: number[]; logprobs: number[] } {
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, x) => s + Math.exp(x - m), 0));
  const order = logits.map((x, i) => [x, i] as const).sort((p, q) => q[0] - p[0]).slice(0, k);
  return { tokens: order.map(([, i]) => i), logprobs: order.map(([x]) => x - lse) };
}

describe('topKKlLowerBound', () => {
  it('agrees with scipy on the coarsened pair (shared tokens + one rest outcome)', () => {
    // python3 -c "import math; from scipy.special import rel_entr
    //   pa={'a':-0.5,'b':-1.5,'c':-3.0}; pb={'b':-0.7,'a':-1.1,'d':-2.5}; sh=['a','b']
    //   PA=[math.exp(pa[t]) for t in sh]; PB=[math.exp(pb[t]) for t in sh]
    //   PA.append(1-math.fsum(PA)); PB.append(1-math.fsum(PB)); print(math.fsum(rel_entr(PA,PB)), PA[-1], PB[-1])"
    // → 0.18520995791383657 0.17033918013893679 0.17054361251051087
    const r = topKKlLowerBound({ tokens: ['a', 'b', 'c'], logprobs: [-0.5, -1.5, -3] }, { tokens: ['b', 'a', 'd'], logprobs: [-0.7, -1.1, -2.5] });
    expect(r.shared).toBe(2);
    expect(r.lower).toBeCloseTo(0.18520995791383657, 14);
    expect(r.restA).toBeCloseTo(0.17033918013893679, 15);
    expect(r.restB).toBeCloseTo(0.17054361251051087, 15);
  });

  it('is the exact KL when both sides list the whole vocabulary', () => {
    const a = [2, 1, 0.5, -1];
    const b = [0.5, 1.5, 0, -2];
    const exact = softCrossEntropy({ kind: 'logits', values: a }, { kind: 'logits', values: b }).kl;
    expect(topKKlLowerBound(topK(a, 4), topK(b, 4)).lower).toBeCloseTo(exact, 14);
  });

  it('never exceeds the exact KL (to 1e-5 nats, REST_FLOOR), whatever k (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -20, max: 20, noNaN: true }), fc.double({ min: -20, max: 20, noNaN: true })), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (pairs, k) => {
          const a = pairs.map(([x]) => x);
          const b = pairs.map(([, y]) => y);
          const exact = softCrossEntropy({ kind: 'logits', values: a }, { kind: 'logits', values: b }).kl;
          const bound = topKKlLowerBound(topK(a, k), topK(b, k)).lower;
          // 1e-5: the rest term is left out when both rests are rounding noise (REST_FLOOR).
          expect(bound).toBeLessThanOrEqual(exact + 1e-5 + 1e-9 * exact);
        },
      ),
    );
  });

  it('takes a rest of B below the rounding floor as REST_FLOOR (finite, still a lower bound), and gives 0 for identical lists', () => {
    // B prints logprob 0 (a near-certain token), A puts 0.5 elsewhere: 0.5 ln(0.5/1) + 0.5 ln(0.5/1e-6)
    // = 0.5 ln(0.25e6) → python3 -c "import math; print(0.5*math.log(0.5) + 0.5*math.log(0.5/1e-6))" → 6.214608098422191
    const r = topKKlLowerBound({ tokens: [1], logprobs: [Math.log(0.5)] }, { tokens: [1], logprobs: [0] });
    expect(r.restB).toBe(0);
    expect(r.lower).toBeCloseTo(6.214608098422191, 13);
    const same = { tokens: [3, 4], logprobs: [-0.5, -1.5] };
    expect(topKKlLowerBound(same, same).lower).toBe(0);
  });
});
