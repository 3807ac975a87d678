import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GlobPattern } from '../../src/watch/glob-pattern.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
for (const f of ['a.jsonl', 'b.jsonl', 'a.jsonl.1', 'notes.txt', 'sub/c.jsonl', 'sub/deep/d.jsonl']) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), '');
}

describe('GlobPattern', () => {
  it('matches * within one directory level', () => {
    expect(new GlobPattern(`${dir}/*.jsonl`).files()).toEqual([`${dir}/a.jsonl`, `${dir}/b.jsonl`]);
    expect(new GlobPattern(`${dir}/a.jsonl*`).files()).toEqual([`${dir}/a.jsonl`, `${dir}/a.jsonl.1`]);
  });

  it('matches ** at any depth, including none', () => {
    expect(new GlobPattern(`${dir}/**/*.jsonl`).files()).toEqual([`${dir}/a.jsonl`, `${dir}/b.jsonl`, `${dir}/sub/c.jsonl`, `${dir}/sub/deep/d.jsonl`]);
  });

  it('? and [..] classes', () => {
    expect(new GlobPattern(`${dir}/[ab].jsonl`).files()).toEqual([`${dir}/a.jsonl`, `${dir}/b.jsonl`]);
    expect(new GlobPattern(`${dir}/?.jsonl`).files()).toHaveLength(2);
  });

  it('a plain path is itself when it exists, nothing when it does not', () => {
    expect(new GlobPattern(`${dir}/notes.txt`).files()).toEqual([`${dir}/notes.txt`]);
    expect(new GlobPattern(`${dir}/missing.jsonl`).files()).toEqual([]);
    expect(new GlobPattern(`${dir}/nope/*.jsonl`).files()).toEqual([]);
  });

  it('tells whether a path matches', () => {
    const g = new GlobPattern(`${dir}/*.jsonl`);
    expect(g.matches(`${dir}/x.jsonl`)).toBe(true);
    expect(g.matches(`${dir}/sub/x.jsonl`)).toBe(false);
  });
});
