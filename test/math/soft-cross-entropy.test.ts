import { describe, expect, it } from 'vitest';
import { softCrossEntropy } from '../../src/math/soft-cross-entropy.js';

/**
 * References: scipy 1.17 / numpy, summed with math.fsum. The script (kept verbatim so it can be rerun):
 *
 *   import numpy as np, math
 *   from scipy.special import rel_entr, log_softmax, entr
 *   def run(name, tp, tq, P_logits=False, Q_logits=False):
 *       P = np.exp(log_softmax(np.array(tp, dtype=np.float64))) if P_logits else np.array(tp, dtype=np.float64)
 *       lq = log_softmax(np.array(tq, dtype=np.float64)) if Q_logits else np.log(np.array(tq, dtype=np.float64))
 *       H = math.fsum(entr(P))
 *       kl = math.fsum(rel_entr(P, np.exp(lq))) if not Q_logits else \
 *            math.fsum(np.where(P>0, P*(np.log(np.where(P>0,P,1))-lq), 0))
 *       cross = math.fsum(np.where(P>0, -P*lq, 0))
 *       print(name, repr(cross), repr(H), repr(kl))
 *   run('big', [1e4, -1e4, 0, 9999], [-1e4, 1e4, 5, 9998.5], True, True)
 *   run('tiny', [1e-300, 0.4, 0.6], [1e-200, 0.5, 0.5])
 *   n = 128*1024; i = np.arange(n)
 *   run('v128k', ((i*7919) % 1000)/100 - 5, ((i*104729) % 997)/50 - 10, True, True)
 */
function close(actual: number, expected: number, rel = 1e-12): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

describe('softCrossEntropy', () => {
  it('gives the worked example: P = {0.5, 0.25, 0.25} has H = 1.5 bits, and H(P, P) = H(P)', () => {
    const p = { kind: 'probs' as const, values: [0.5, 0.25, 0.25] };
    const r = softCrossEntropy(p, p);
    expect(r.entropy / Math.LN2).toBe(1.5);
    expect(r.crossEntropy).toBe(r.entropy);
    expect(r.kl).toBe(0);
  });

  it('is the same for logits as for the probabilities they stand for', () => {
    const logits = { kind: 'logits' as const, values: [Math.log(0.5), Math.log(0.25), Math.log(0.25)] };
    const r = softCrossEntropy(logits, { kind: 'probs', values: [0.5, 0.25, 0.25] });
    close(r.entropy, 1.5 * Math.LN2, 1e-15);
    close(r.crossEntropy, 1.5 * Math.LN2, 1e-15);
    expect(Math.abs(r.kl)).toBeLessThan(1e-15);
  });

  it('neither overflows nor vanishes on logits of ±1e4 (scipy log_softmax)', () => {
    const r = softCrossEntropy({ kind: 'logits', values: [1e4, -1e4, 0, 9999] }, { kind: 'logits', values: [-1e4, 1e4, 5, 9998.5] });
    close(r.crossEntropy, 14621.776398010137);
    close(r.entropy, 0.5822031088882179);
    close(r.kl, 14621.194194901247);
  });

  it('keeps near-zero probabilities: P = 1e-300 against Q = 1e-200 (scipy rel_entr)', () => {
    const r = softCrossEntropy({ kind: 'probs', values: [1e-300, 0.4, 0.6] }, { kind: 'probs', values: [1e-200, 0.5, 0.5] });
    close(r.crossEntropy, 0.6931471805599453);
    close(r.entropy, 0.6730116670092565);
    close(r.kl, 0.020135513550688863);
  });

  it('counts P ln P = 0 at P = 0, and H(P, Q) = +Infinity where P > 0 but Q = 0', () => {
    const zero = softCrossEntropy({ kind: 'probs', values: [0, 1] }, { kind: 'probs', values: [0, 1] });
    expect(zero).toEqual({ crossEntropy: 0, entropy: 0, kl: 0 });
    const inf = softCrossEntropy({ kind: 'probs', values: [0.5, 0.5] }, { kind: 'probs', values: [0, 1] });
    expect(inf.crossEntropy).toBe(Number.POSITIVE_INFINITY);
    expect(inf.kl).toBe(Number.POSITIVE_INFINITY);
    close(inf.entropy, Math.LN2, 1e-15);
  });

  it('agrees with scipy over a 128k vocabulary generated here', () => {
    const n = 128 * 1024;
    const p = new Float64Array(n);
    const q = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      p[i] = ((i * 7919) % 1000) / 100 - 5;
      q[i] = ((i * 104729) % 997) / 50 - 10;
    }
    const r = softCrossEntropy({ kind: 'logits', values: p }, { kind: 'logits', values: q });
    close(r.crossEntropy, 18.75812092738677, 1e-11);
    close(r.entropy, 10.480434931857566, 1e-11);
    close(r.kl, 8.277685995529202, 1e-11);
  });
});
