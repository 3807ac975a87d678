import { describe, expect, it } from 'vitest';
import { READ_AHEAD_BYTES } from '../../src/streams/read-ahead.js';
import { unitReadBytes } from '../../src/threads/unit-read-bytes.js';

describe('unitReadBytes', () => {
  it('keeps the main thread\'s 1 MB reads up to two threads (their speed on long lines) and reads 256 KB past that (their memory)', () => {
    expect(READ_AHEAD_BYTES).toBe(1024 * 1024);
    expect([1, 2].map(unitReadBytes)).toEqual([READ_AHEAD_BYTES, READ_AHEAD_BYTES]);
    expect([3, 4, 16].map(unitReadBytes)).toEqual([256 * 1024, 256 * 1024, 256 * 1024]);
  });

  it('still fits an OpenAI chat line (~80 KB) whole in one read', () => {
    expect(unitReadBytes(64)).toBeGreaterThan(80 * 1024);
  });
});
