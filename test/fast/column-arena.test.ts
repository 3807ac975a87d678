import { describe, expect, it } from 'vitest';
import { ColumnArena } from '../../src/fast/column-arena.js';

describe('ColumnArena', () => {
  it('gives copies that later copies and later writes to the source never change', () => {
    const arena = new ColumnArena();
    const source = new Float64Array(1024);
    const kept: { copy: Float64Array; expected: number[] }[] = [];
    // Enough copies of varied lengths to fill several slabs (64 Ki doubles each).
    for (let r = 0; r < 600; r++) {
      const n = (r * 37) % 500;
      for (let i = 0; i < n; i++) source[i] = -(r + i / 1000);
      const copy = arena.copy(source, n);
      kept.push({ copy, expected: Array.from(source.subarray(0, n)) });
      source.fill(Number.NaN);
    }
    for (const { copy, expected } of kept) expect(Array.from(copy)).toEqual(expected);
  });

  it('copies exactly n values, −0 and NaN included, from a longer source', () => {
    const arena = new ColumnArena();
    const copy = arena.copy(new Float64Array([-0, Number.NaN, -1e-300, 7]), 3);
    expect(copy.length).toBe(3);
    expect(Object.is(copy[0], -0)).toBe(true);
    expect(copy[1]).toBeNaN();
    expect(copy[2]).toBe(-1e-300);
  });

  it('gives a long column an array of its own, so that it pins no slab', () => {
    const arena = new ColumnArena();
    const small = arena.copy(new Float64Array(10), 10);
    const long = arena.copy(new Float64Array(20000).fill(-2), 20000);
    expect(long.buffer).not.toBe(small.buffer);
    expect(long.byteLength).toBe(long.buffer.byteLength);
    expect(arena.copy(new Float64Array(10), 10).buffer).toBe(small.buffer);
  });
});
