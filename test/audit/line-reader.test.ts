import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LineReader } from '../../src/audit/line-reader.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-line-reader-');

describe('LineReader', () => {
  it('gives each line by its offset, newline included, across reads and to the end of a file without one', async () => {
    const long = 'x'.repeat(200_000); // spans four 64 KiB windows
    const lines = ['{"a":1}\n', '\r\n', `${long}\n`, 'é\r\n', 'last, no newline'];
    const path = join(dir, 'lines.txt');
    await writeFile(path, lines.join(''));
    const file = await open(path);
    try {
      const reader = new LineReader(file);
      let offset = 0;
      for (const line of lines) {
        expect((await reader.lineAt(offset, 1e9)).toString('utf8')).toBe(line);
        offset += Buffer.byteLength(line);
      }
      expect((await reader.lineAt(offset, 1e9)).length).toBe(0);
      // Asked again, out of order: read again.
      expect((await reader.lineAt(0, 1e9)).toString('utf8')).toBe(lines[0]);
    } finally {
      await file.close();
    }
  });

  it('reads nearby lines once, a far one on its own, and stops a long line soon after `limit`', async () => {
    const path = join(dir, 'sparse.txt');
    const short = Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('');
    await writeFile(path, `${short}${'y'.repeat(1_000_000)}\nfar\n`);
    const file = await open(path);
    try {
      const read = vi.spyOn(file, 'read');
      const reader = new LineReader(file);
      expect((await reader.lineAt(0, 1e9)).toString()).toBe('line 0\n');
      expect((await reader.lineAt(short.indexOf('line 50'), 1e9)).toString()).toBe('line 50\n');
      expect(read).toHaveBeenCalledTimes(1);
      const cut = await reader.lineAt(short.length, 100_000);
      expect(cut.length).toBeGreaterThan(100_000);
      expect(cut.length).toBeLessThan(100_000 + 64 * 1024 * 2);
      expect(cut.includes(0x0a)).toBe(false);
      read.mockClear();
      expect((await reader.lineAt(short.length + 1_000_001, 1e9)).toString()).toBe('far\n');
      expect(read).toHaveBeenCalledTimes(1);
    } finally {
      await file.close();
    }
  });
});
