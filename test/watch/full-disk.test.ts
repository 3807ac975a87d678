import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { mountTinyDisk } from '../helpers/tiny-disk.js';
import { folded, recordLines, start, stop, until, watcherOptions } from '../helpers/watch-harness.js';

// A real full disk: a 64 KiB tmpfs (root can mount one here; elsewhere the test says it skipped).
const root = tempDir('xent-full-');
const mountPoint = join(root, 'tiny');
const mounted = mountTinyDisk(mountPoint, 'full-disk watch test');

function fill(path: string): void {
  try {
    for (let i = 0; i < 1000; i++) appendFileSync(path, Buffer.alloc(1024, 120));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
}

describe('xent watch with --out on a full disk', () => {
  it.skipIf(!mounted)('fails loudly when the final report cannot be written, instead of exiting 0 without it', async () => {
    const dir = join(root, 'run');
    mkdirSync(dir);
    const log = join(dir, 'a.jsonl');
    writeFileSync(log, recordLines(41, 30).map((l) => `${l}\n`).join(''));
    const warnings: string[] = [];
    const r = start(watcherOptions(dir, [log], { out: join(mountPoint, 'out.ndjson'), warn: (m) => warnings.push(m) }));
    await until(folded(r, 1));
    fill(join(mountPoint, 'filler'));
    await expect(stop(r)).rejects.toThrow(/final report could not be written: .*out\.ndjson refused \d+ line\(s\) \(the disk is full\)/);
  });
});
