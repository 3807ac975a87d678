import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppendLog } from '../../src/watch/append-log.js';
import { tempDir } from '../helpers/temp-dir.js';
import { mountTinyDisk } from '../helpers/tiny-disk.js';

const root = tempDir('xent-applog-');

describe('AppendLog', () => {
  it('cuts the file back to the committed length on resume (lines after the last checkpoint are written again)', () => {
    const path = join(root, 'out.ndjson');
    const log = new AppendLog(path, undefined);
    log.write('one\n');
    const committed = log.commit();
    log.write('two\n');
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
    const resumed = new AppendLog(path, committed);
    resumed.write('two again\n');
    resumed.close();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo again\n');
  });

  it('appends after what is there when nothing was committed yet', () => {
    const path = join(root, 'existing.ndjson');
    writeFileSync(path, 'before\n');
    const log = new AppendLog(path, undefined);
    log.write('after\n');
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('before\nafter\n');
  });

  // A real full disk: a 64 KiB tmpfs (root can mount one here; elsewhere the test says it skipped).
  const mountPoint = join(root, 'tiny');
  const mounted = mountTinyDisk(mountPoint, 'ENOSPC test');

  it.skipIf(!mounted)('on ENOSPC keeps the file whole lines, queues, and writes the queue once space is back', () => {
    const path = join(mountPoint, 'out.ndjson');
    const filler = join(mountPoint, 'filler');
    const log = new AppendLog(path, undefined);
    const line = `${'x'.repeat(999)}\n`;
    let refused = false;
    for (let i = 0; i < 200 && !refused; i++) {
      log.write(line);
      refused = log.queued > 0;
    }
    expect(refused).toBe(true);
    const size = statSync(path).size;
    expect(size % line.length).toBe(0); // no torn line
    expect(log.flush()).toBe(false);
    // free space: the queued line goes out, the earlier ones are intact
    writeFileSync(filler, '');
    execFileSync('truncate', ['-s', String(Math.floor(size / 2)), path]);
    const committed = Math.floor(size / 2 / line.length) * line.length;
    log.close();
    const resumed = new AppendLog(path, committed);
    expect(resumed.flush()).toBe(true);
    resumed.write(line);
    expect(resumed.queued).toBe(0);
    resumed.close();
    expect(statSync(path).size).toBe(committed + line.length);
  });
});
