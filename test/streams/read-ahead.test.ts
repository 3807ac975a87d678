import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READ_AHEAD_BYTES, readAhead } from '../../src/streams/read-ahead.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-read-ahead-');
// Bytes whose value follows their position, so a chunk out of order or read twice cannot go unseen.
const bytes = Buffer.from(Array.from({ length: 10_007 }, (_, i) => (i * 31 + (i >> 8)) & 0xff));
const path = join(dir, 'bytes.bin');
writeFileSync(path, bytes);

async function collect(start: number, end: number | undefined, chunkBytes?: number): Promise<{ data: Buffer; sizes: number[] }> {
  const parts: Buffer[] = [];
  const sizes: number[] = [];
  // The buffers are reused, so each chunk is copied before the next read lands in it.
  await readAhead(path, start, end, (chunk) => (parts.push(Buffer.from(chunk)), sizes.push(chunk.length)), chunkBytes);
  return { data: Buffer.concat(parts), sizes };
}

describe('readAhead', () => {
  it('reads a whole file in one default-sized chunk when it is smaller than one', async () => {
    expect(READ_AHEAD_BYTES).toBeGreaterThan(bytes.length);
    const { data, sizes } = await collect(0, undefined);
    expect(data.equals(bytes)).toBe(true);
    expect(sizes).toEqual([bytes.length]);
  });

  it('reads the same bytes, in order, at every chunk size, never more than chunkBytes at a time', async () => {
    for (const chunkBytes of [1, 2, 3, 7, 64, 1000, 4096, 10_006, 10_007, 20_000]) {
      const { data, sizes } = await collect(0, undefined, chunkBytes);
      expect(data.equals(bytes), `chunkBytes ${chunkBytes}`).toBe(true);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(chunkBytes);
      expect(sizes.length).toBe(Math.ceil(bytes.length / chunkBytes));
    }
  });

  it('reads exactly the range [start, end) with small chunks', async () => {
    for (const [start, end] of [[0, 1], [5, 5], [123, 4567], [9_000, 10_007], [9_000, undefined]] as const) {
      const { data } = await collect(start, end, 100);
      expect(data.equals(bytes.subarray(start, end)), `[${start}, ${end})`).toBe(true);
    }
  });
});
