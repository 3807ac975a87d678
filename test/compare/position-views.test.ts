import { describe, expect, it } from 'vitest';
import { positionViews } from '../../src/compare/position-views.js';
import type { TokenBatch } from '../../src/formats/scored-batch.js';

function batch(extra: Partial<TokenBatch>): TokenBatch {
  return { kind: 'tokens', sequenceId: 's', segment: 'completion', logprobs: Float64Array.of(-0.5, -2), unscored: 0, final: true, ...extra };
}

describe('positionViews', () => {
  it('takes full rows as they are, with the next token\'s logprob, and without it for soft targets', () => {
    const rows = [
      [1, 2],
      [3, 4],
    ];
    expect(positionViews(batch({ distribution: { kind: 'logits', rows, softTargets: false } }))).toEqual([
      { full: { kind: 'logits', values: [1, 2] }, nextLogprob: -0.5 },
      { full: { kind: 'logits', values: [3, 4] }, nextLogprob: -2 },
    ]);
    expect(positionViews(batch({ distribution: { kind: 'probs', rows, softTargets: true } }))[0]).toEqual({ full: { kind: 'probs', values: [1, 2] } });
  });

  it('lists the top-k by text and adds the scored token when it is not listed', () => {
    const views = positionViews(
      batch({
        tokens: ['a', 'z'],
        alternatives: { texts: [['a', 'b'], ['x', 'y']], logprobs: [Float64Array.of(-0.5, -1), Float64Array.of(-0.1, -3)] },
      }),
    );
    expect(views[0]).toEqual({ listed: { tokens: ['a', 'b'], logprobs: Float64Array.of(-0.5, -1) }, nextLogprob: -0.5, token: 'a' });
    expect(views[1]).toEqual({ listed: { tokens: ['x', 'y', 'z'], logprobs: Float64Array.of(-0.1, -3, -2) }, nextLogprob: -2, token: 'z' });
  });

  it('keeps only the next logprob where the listing is empty or has tokens without text', () => {
    const views = positionViews(batch({ alternatives: { texts: [[], ['', '']], logprobs: [new Float64Array(0), Float64Array.of(-1, -2)] } }));
    expect(views).toEqual([{ nextLogprob: -0.5 }, { nextLogprob: -2 }]);
  });
});
