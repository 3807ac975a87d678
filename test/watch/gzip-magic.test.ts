import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipMagic } from '../../src/watch/gzip-magic.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-gzmagic-');

describe('gzipMagic', () => {
  it('tells gzip from text, and says unknown while a file is too short to tell', async () => {
    const at = (name: string, bytes: Buffer | string) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return gzipMagic(path);
    };
    expect(await at('a.gz', gzipSync(Buffer.from('{"id":1}\n')))).toBe(true);
    expect(await at('a.jsonl', '{"id":1}\n')).toBe(false);
    expect(await at('empty', '')).toBe('unknown');
    expect(await at('one', Buffer.from([0x1f]))).toBe('unknown');
    expect(await at('not', Buffer.from([0x1f, 0x00]))).toBe(false);
    expect(await gzipMagic(join(dir, 'missing'))).toBe(false);
  });
});
