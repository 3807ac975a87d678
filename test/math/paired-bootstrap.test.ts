import { describe, expect, it } from 'vitest';
import { mulberry32, PairedBootstrap } from '../../src/math/paired-bootstrap.js';

/** Normal differences (Box-Muller over a seeded uniform). */
function differences(n: number, seed: number, mean: number, sd: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
}

/** Reference: the classic paired bootstrap (resample n pairs with replacement), written independently here. */
function classicInterval(d: number[], replicates: number, seed: number): { low: number; high: number } {
  const rand = mulberry32(seed);
  const means: number[] = [];
  for (let r = 0; r < replicates; r++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[Math.floor(rand() * d.length)] as number;
    means.push(s / d.length);
  }
  means.sort((a, b) => a - b);
  const at = (q: number): number => {
    const h = (means.length - 1) * q;
    const lo = Math.floor(h);
    return (means[lo] as number) + (h - lo) * ((means[lo + 1] ?? means[lo]) as number - (means[lo] as number));
  };
  return { low: at(0.025), high: at(0.975) };
}

describe('PairedBootstrap (Poisson, streaming)', () => {
  const d = differences(4000, 3, 0.1, 1);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
  const halfWidth = (1.959964 * sd) / Math.sqrt(d.length);

  it('agrees with the normal-theory interval and the classic bootstrap to within 10% of the half-width', () => {
    const b = new PairedBootstrap(2000, 11);
    for (const x of d) b.add(x);
    const { low, high } = b.interval();
    const classic = classicInterval(d, 2000, 5);
    for (const ref of [{ low: mean - halfWidth, high: mean + halfWidth }, classic]) {
      expect(Math.abs(low - ref.low)).toBeLessThan(0.1 * halfWidth);
      expect(Math.abs(high - ref.high)).toBeLessThan(0.1 * halfWidth);
    }
    expect(low).toBeLessThan(mean);
    expect(high).toBeGreaterThan(mean);
  });

  it('is deterministic for a seed, and another seed moves it only within the Monte Carlo error', () => {
    const run = (seed: number) => {
      const b = new PairedBootstrap(1000, seed);
      for (const x of d.slice(0, 500)) b.add(x);
      return b.interval();
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('an interval from a constant difference collapses onto it; empty gives NaN; bad options are named', () => {
    const b = new PairedBootstrap(100, 1);
    for (let i = 0; i < 50; i++) b.add(0.25);
    expect(b.interval()).toEqual({ low: 0.25, high: 0.25 });
    expect(new PairedBootstrap(100).interval().low).toBeNaN();
    expect(() => new PairedBootstrap(5)).toThrow(/`replicates`/);
    expect(() => new PairedBootstrap(100, 1.5)).toThrow(/`seed`/);
  });
});
