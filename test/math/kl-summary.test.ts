import { describe, expect, it } from 'vitest';
import { KlSummary, type KlPosition } from '../../src/math/kl-summary.js';

/**
 * Reference (numpy 2, math.fsum):
 *   import numpy as np, math
 *   i=np.arange(1000); kl=((i*37)%101)/100; d=((i*53)%201)/1000-0.1; s=(i%3!=0)
 *   math.fsum(kl)/1000 → 0.5001; np.std(kl,ddof=1)/math.sqrt(1000) → 0.009231999773603759
 *   np.quantile(kl, [.5, .9, .99]) → 0.5, 0.9, 0.9901; kl.max() → 1.0; s.mean() → 0.666
 *   math.fsum(d)/1000 → -0.00011200000000000528; math.sqrt(math.fsum(d*d)/1000) → 0.058037384503438816
 *   np.quantile(d, [.01, .99]) → -0.09801, 0.09801
 * Quantiles come from a t-digest: compared within 0.01 (a hundredth of the range).
 */
function position(i: number): KlPosition {
  return { kl: ((i * 37) % 101) / 100, exact: i % 2 === 0, sameTop1: i % 3 !== 0, deltaP: ((i * 53) % 201) / 1000 - 0.1 };
}

describe('KlSummary', () => {
  it('gives the figures numpy gives', () => {
    const s = new KlSummary();
    for (let i = 0; i < 1000; i++) s.add(position(i));
    const f = s.figures();
    expect(f.positions).toBe(1000);
    expect(f.exact_positions).toBe(500);
    expect(f.mean).toBeCloseTo(0.5001, 15);
    expect(f.standard_error).toBeCloseTo(0.009231999773603759, 13);
    expect(Math.abs(f.median - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(f.p90 - 0.9)).toBeLessThan(0.01);
    expect(Math.abs(f.p99 - 0.9901)).toBeLessThan(0.01);
    expect(f.max).toBe(1);
    expect(f.same_top1).toBe(0.666);
    expect(f.delta_p.mean).toBeCloseTo(-0.00011200000000000528, 15);
    expect(f.delta_p.rms).toBeCloseTo(0.058037384503438816, 14);
    expect(Math.abs(f.delta_p.p01 + 0.09801)).toBeLessThan(0.005);
    expect(Math.abs(f.delta_p.p99 - 0.09801)).toBeLessThan(0.005);
  });

  it('gives the same exact figures when two halves are merged as in one pass', () => {
    const one = new KlSummary();
    const left = new KlSummary();
    const right = new KlSummary();
    for (let i = 0; i < 1000; i++) {
      one.add(position(i));
      (i < 377 ? left : right).add(position(i));
    }
    left.merge(right);
    const a = one.figures();
    const b = left.figures();
    for (const k of ['positions', 'exact_positions', 'mean', 'standard_error', 'max', 'same_top1'] as const) expect(b[k]).toBe(a[k]);
    expect(b.delta_p.mean).toBe(a.delta_p.mean);
    expect(b.delta_p.rms).toBe(a.delta_p.rms);
  });

  it('reports NaN, not 0, for figures it has nothing for', () => {
    const f = new KlSummary().figures();
    expect(f.positions).toBe(0);
    expect(f.mean).toBeNaN();
    expect(f.same_top1).toBeNaN();
    expect(f.delta_p.rms).toBeNaN();
  });
});
