import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { identityChange, rereadableInput } from '../../src/audit/rereadable-input.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-rereadable-');
const line = '{"id":"a","logprobs":[-1]}\n';

describe('rereadableInput', () => {
  it('gives the identity of a plain file of JSON lines, and nothing for any input it cannot read by byte range', async () => {
    const plain = join(dir, 'a.jsonl');
    writeFileSync(plain, line);
    const info = statSync(plain);
    expect(await rereadableInput(plain)).toEqual({ dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs });
    writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync(line));
    writeFileSync(join(dir, 'doc.json'), `[\n  ${line.trim()}\n]\n`);
    mkdirSync(join(dir, 'sub'), { recursive: true });
    for (const path of ['-', join(dir, 'a.jsonl.gz'), join(dir, 'doc.json'), join(dir, 'missing.jsonl'), join(dir, 'sub')]) {
      expect(await rereadableInput(path), path).toBeUndefined();
    }
    // A forced framing is the first pass's too.
    expect(await rereadableInput(join(dir, 'doc.json'), 'lines')).toBeDefined();
    expect(await rereadableInput(plain, 'json-value')).toBeUndefined();
  });
});

describe('identityChange', () => {
  const before = { dev: 1, ino: 2, size: 100, mtimeMs: 5 };
  it('accepts the same file unchanged or grown, and names a replaced, shrunk or rewritten one', () => {
    expect(identityChange(before, { ...before })).toBeUndefined();
    expect(identityChange(before, { ...before, size: 150, mtimeMs: 9 })).toBeUndefined();
    expect(identityChange(before, { ...before, ino: 3 })).toBe('it was replaced by another file');
    expect(identityChange(before, { ...before, size: 99, mtimeMs: 9 })).toBe('it shrank from 100 to 99 bytes');
    expect(identityChange(before, { ...before, mtimeMs: 6 })).toBe('it was rewritten (same size, new modification time)');
  });
});
