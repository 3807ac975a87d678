import { describe, expect, it } from 'vitest';
import { positionKl } from '../../src/math/position-kl.js';

/**
 * Reference (scipy 1.17):
 *   a=np.array([2.0,1.0,0.5,-1.0]); b=np.array([1.5,2.5,0.0,-0.5]); la=log_softmax(a); lb=log_softmax(b)
 *   math.fsum(rel_entr(exp(la), exp(lb))) → 0.4313586704186236
 *   exp(lb[2]) - exp(la[2]) → -0.08125651634125827; la[2] → -1.995181898085856; lb[2] → -2.905299433160298
 *   top-2 of each (tokens 0 and 1 on both sides), rest lumped: fsum(rel_entr(PA, PB)) → 0.4163491600390188
 */
const a = [2.0, 1.0, 0.5, -1.0];
const b = [1.5, 2.5, 0.0, -0.5];

describe('positionKl', () => {
  it('is exact with full rows on both sides, with Δp of the next token and top-1 agreement', () => {
    const r = positionKl(
      { full: { kind: 'logits', values: a }, nextLogprob: -1.995181898085856 },
      { full: { kind: 'logits', values: b }, nextLogprob: -2.905299433160298 },
    );
    expect(r?.exact).toBe(true);
    expect(r?.kl).toBeCloseTo(0.4313586704186236, 14);
    expect(r?.deltaP).toBeCloseTo(-0.08125651634125827, 14);
    expect(r?.sameTop1).toBe(false);
  });

  it('is the lower bound, below the exact KL, with top-2 lists on both sides', () => {
    const la = [2.0, 1.0].map((x) => x - Math.log(a.reduce((s, v) => s + Math.exp(v), 0)));
    const lb = [2.5, 1.5].map((x) => x - Math.log(b.reduce((s, v) => s + Math.exp(v), 0)));
    const r = positionKl({ listed: { tokens: [0, 1], logprobs: la } }, { listed: { tokens: [1, 0], logprobs: lb } });
    expect(r?.exact).toBe(false);
    expect(r?.kl).toBeCloseTo(0.4163491600390188, 13);
    expect(r!.kl).toBeLessThan(0.4313586704186236);
    expect(r?.sameTop1).toBe(false);
    expect(r?.deltaP).toBeUndefined();
  });

  it('is undefined when a side has nothing to compare, or the vocabularies differ', () => {
    expect(positionKl({ nextLogprob: -1 }, { full: { kind: 'logits', values: b } })).toBeUndefined();
    expect(positionKl({ full: { kind: 'logits', values: a } }, { full: { kind: 'logits', values: [0, 1] } })).toBeUndefined();
  });
});
