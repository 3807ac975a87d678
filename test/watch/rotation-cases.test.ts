import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crash, expectSameTotals, oracle, recordLines, scenarios, start, stop, text, until, watcherOptions } from '../helpers/watch-harness.js';

const scenario = scenarios('xent-rotation-');
const pause = (ms: number) => new Promise((res) => setTimeout(res, ms));
const tokenLines = (sequence: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${JSON.stringify({ sequence_id: sequence, logprob: -((i % 7) + 1) / 4, token: 'a' })}\n`).join('');

describe('issue 11: rotation cases against the oracle (xent report over what was completely written)', () => {
  it('case 1: a sequence open across a truncate + regrow while stopped, the kill before the periodic checkpoint: both count', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = tokenLines('t', 500);
    writeFileSync(a, old);
    // The periodic checkpoint never comes (as a kill within the CLI's 5 s): what was read is committed once caught up.
    const r1 = start(watcherOptions(dir, [a], { readBudget: 2048, checkpointMs: 1_000_000 }));
    await until(async () => (await r1.watcher.status())[0]?.lag === 0);
    await new Promise((res) => setTimeout(res, 60));
    await crash(r1);
    const fresh = tokenLines('t2', 900);
    writeFileSync(a, fresh);
    const r2 = start(watcherOptions(dir, [a]));
    const expected = await oracle(dir, [old, fresh]);
    await until(() => r2.watcher.corpus().tokens >= expected.corpus.tokens, 3000).catch(() => undefined);
    expectSameTotals(await stop(r2), expected);
  });

  it('case 1: a truncate + regrow seen while running is committed at once, so a kill right after it loses nothing', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = tokenLines('t', 500);
    writeFileSync(a, old);
    const r1 = start(watcherOptions(dir, [a], { readBudget: 2048, checkpointMs: 1_000_000, pollMs: 1_000_000 }));
    await until(async () => (await r1.watcher.status())[0]?.lag === 0);
    const fresh = tokenLines('t2', 900);
    writeFileSync(a, fresh);
    await until(async () => (await r1.watcher.status()).length === 2);
    await crash(r1);
    const r2 = start(watcherOptions(dir, [a]));
    const expected = await oracle(dir, [old, fresh]);
    await until(() => r2.watcher.corpus().tokens >= expected.corpus.tokens, 3000).catch(() => undefined);
    expectSameTotals(await stop(r2), expected);
  });

  it('case 2: a slow copy-truncate (the copy grows for longer than the copy grace) is not read as a new file', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(31, 300));
    writeFileSync(a, old);
    const r = start(watcherOptions(dir, [`${a}*`]));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    const pieces = 10;
    const step = Math.ceil(old.length / pieces);
    for (let i = 0; i < pieces; i++) {
      appendFileSync(`${a}.1`, old.slice(i * step, (i + 1) * step));
      await pause(50); // 500 ms in all, past the 150 ms copy grace
    }
    truncateSync(a, 0);
    const fresh = text(recordLines(32, 20, 'n'));
    appendFileSync(a, fresh);
    const expected = await oracle(dir, [old, fresh]);
    await until(() => r.watcher.corpus().tokens >= expected.corpus.tokens, 2000).catch(() => undefined);
    await pause(300); // past the copy grace: nothing more may be counted
    expectSameTotals(await stop(r), expected);
  });

  it('case 4: symlink rotation, killed while the old target still has unread lines: the old target is found by its device and inode', async () => {
    const dir = scenario();
    mkdirSync(join(dir, 'archive'));
    const current = join(dir, 'current.jsonl');
    const first = join(dir, 'archive', '1.jsonl');
    const second = join(dir, 'archive', '2.jsonl');
    const old = text(recordLines(41, 100));
    writeFileSync(first, old);
    symlinkSync(first, current);
    const r1 = start(watcherOptions(dir, [current]));
    await until(async () => (await r1.watcher.status())[0]?.lag === 0);
    await pause(60); // committed
    await crash(r1);
    // While stopped: the old target gets more lines, and the link is switched to a new file.
    const tail = text(recordLines(42, 30, 't'));
    appendFileSync(first, tail);
    const fresh = text(recordLines(43, 40, 'n'));
    writeFileSync(second, fresh);
    symlinkSync(second, `${current}.new`);
    renameSync(`${current}.new`, current);
    const warnings: string[] = [];
    const r2 = start(watcherOptions(dir, [current], { warn: (w) => warnings.push(w) }));
    const expected = await oracle(dir, [old + tail, fresh]);
    await until(() => r2.watcher.corpus().tokens >= expected.corpus.tokens, 2000).catch(() => undefined);
    expectSameTotals(await stop(r2), expected);
    expect(warnings.filter((w) => /gone/.test(w))).toEqual([]);
  });

  it('case 8: a rotated file gzipped next to the live one is skipped with one warning, never read as junk', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const dead = join(dir, 'dead.ndjson');
    const old = text(recordLines(51, 80));
    writeFileSync(a, old);
    const warnings: string[] = [];
    const r = start(watcherOptions(dir, [`${a}*`], { deadLetter: dead, warn: (w) => warnings.push(w) }));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    const tail = text(recordLines(52, 20, 't'));
    appendFileSync(a, tail);
    renameSync(a, `${a}.1`);
    const fresh = text(recordLines(53, 30, 'n'));
    writeFileSync(a, fresh);
    // gzip a.jsonl.1: the compressed file appears, then the plain one goes.
    writeFileSync(`${a}.1.gz`, gzipSync(readFileSync(`${a}.1`)));
    rmSync(`${a}.1`);
    writeFileSync(`${a}.0.gz`, gzipSync(Buffer.from(text(recordLines(54, 10, 'z'))))); // an older archive, never followed
    const expected = await oracle(dir, [old + tail, fresh]);
    await until(() => r.watcher.corpus().tokens >= expected.corpus.tokens, 2000).catch(() => undefined);
    await pause(150);
    expectSameTotals(await stop(r), expected);
    expect(warnings.filter((w) => /a\.jsonl\.1\.gz: a gzip file, skipped/.test(w))).toHaveLength(1);
    expect(warnings.filter((w) => /a\.jsonl\.0\.gz: a gzip file, skipped/.test(w))).toHaveLength(1);
    expect(() => readFileSync(dead, 'utf8')).not.toThrow();
    expect(readFileSync(dead, 'utf8')).toBe('');
  });

  it('case 3: copy-truncate with a pattern that does not match the copy: the copy is found and read from the old offset', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(61, 80));
    writeFileSync(a, old);
    const warnings: string[] = [];
    const r = start(watcherOptions(dir, [join(dir, '*.jsonl')], { warn: (w) => warnings.push(w) }));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    // In one go (the watcher runs in this thread, so it cannot read in between): lines appended
    // after its last read, then copied to a name the pattern does not match, and the file truncated.
    const tail = text(recordLines(62, 25, 't'));
    appendFileSync(a, tail);
    copyFileSync(a, `${a}.1`);
    truncateSync(a, 0);
    const fresh = text(recordLines(63, 30, 'n'));
    appendFileSync(a, fresh);
    const expected = await oracle(dir, [old + tail, fresh]);
    await until(() => r.watcher.corpus().tokens >= expected.corpus.tokens, 2000).catch(() => undefined);
    await pause(200); // the copy is let go after --release-after; nothing more may be counted
    expectSameTotals(await stop(r), expected);
    expect(warnings).toEqual([]);
  });

  it('case 3: a truncation with no copy beside it is warned about and counted in the rolling line', async () => {
    const dir = scenario();
    mkdirSync(join(dir, 'elsewhere'));
    const a = join(dir, 'a.jsonl');
    writeFileSync(a, text(recordLines(64, 40)));
    const warnings: string[] = [];
    const rolling: number[] = [];
    const options = watcherOptions(dir, [a], { warn: (w) => warnings.push(w), onRolling: (line) => rolling.push(line.truncated_without_copy) });
    const r1 = start(options);
    await until(async () => (await r1.watcher.status())[0]?.lag === 0);
    appendFileSync(a, text(recordLines(65, 10, 't')));
    copyFileSync(a, join(dir, 'elsewhere', 'a.jsonl.1'));
    truncateSync(a, 0);
    await until(() => warnings.length > 0);
    expect(warnings[0]).toMatch(/a\.jsonl was truncated and no copy of it was found beside it: lines written after byte \d+ before the truncation, if any, are lost/);
    await until(() => rolling.includes(1));
    await stop(r1);
    // Cumulative across a restart.
    rolling.length = 0;
    const r2 = start(options);
    await until(() => rolling.length > 0);
    expect(rolling[0]).toBe(1);
    await stop(r2);
  });
});
