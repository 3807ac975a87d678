import { appendFileSync, copyFileSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crash, expectSameTotals, folded, oracle, recordLines, scenarios, start, stop, text, until, watcherOptions } from '../helpers/watch-harness.js';

const scenario = scenarios('xent-watch-');

describe('LogWatcher: exactly-once totals, the oracle being xent report over everything completely written', () => {
  it('reads existing files, follows appends, and stops with a final report equal to the oracle', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const first = text(recordLines(1, 40));
    writeFileSync(a, first);
    const r = start(watcherOptions(dir, [join(dir, '*.jsonl')]));
    await until(folded(r, 1));
    const more = `${text(recordLines(2, 30, 's'))}not json\n`;
    appendFileSync(a, more);
    await until(() => r.watcher.corpus().badRecords === 1);
    expectSameTotals(await stop(r), await oracle(dir, [first + more]));
  });

  it('graceful restart mid-file: the second run goes on from the checkpoint', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const lines = recordLines(3, 200);
    writeFileSync(a, text(lines.slice(0, 100)));
    const r1 = start(watcherOptions(dir, [a]));
    await until(folded(r1, 1));
    await stop(r1);
    appendFileSync(a, text(lines.slice(100)));
    const r2 = start(watcherOptions(dir, [a]));
    await until(async () => (await r2.watcher.status())[0]?.lag === 0);
    expectSameTotals(await stop(r2), await oracle(dir, [text(lines)]));
    // The out file holds both runs' final reports, each written once.
    const finals = readFileSync(join(dir, 'out.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'final');
    expect(finals).toHaveLength(2);
  });

  it('kill at random moments (in-process abort, no commit) and restart: the totals of a clean run', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const lines = recordLines(4, 600);
    let written = '';
    let r = start(watcherOptions(dir, [a], { readBudget: 512 }));
    for (let i = 0; i < 12; i++) {
      const piece = text(lines.slice(i * 50, (i + 1) * 50));
      // Split the piece at an arbitrary byte, so a crash can fall inside a line.
      const cut = (i * 97) % piece.length;
      appendFileSync(a, piece.slice(0, cut));
      await new Promise((res) => setTimeout(res, (i * 13) % 40));
      appendFileSync(a, piece.slice(cut));
      written += piece;
      await crash(r);
      r = start(watcherOptions(dir, [a], { readBudget: 512 }));
    }
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    expectSameTotals(await stop(r), await oracle(dir, [written]));
  });

  it('a partial line is counted once, when its newline arrives after a restart', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    writeFileSync(a, '{"id":"x","logprobs":[-1]}\n{"id":"y","logpr');
    const r1 = start(watcherOptions(dir, [a]));
    await until(folded(r1, 1));
    await stop(r1);
    appendFileSync(a, 'obs":[-2,-3]}\n');
    const r2 = start(watcherOptions(dir, [a]));
    await until(folded(r2, 3));
    const report = await stop(r2);
    expect(report.corpus.tokens).toBe(3);
    expect(report.corpus.nll).toBe(6);
    expect(report.bad_records.count).toBe(0);
  });

  it('writes split at every byte (inside UTF-8 characters and CRLF) never make split records', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const content = '{"id":"é✓","logprobs":[-0.5,-1]}\r\n{"sequence_id":"😀","logprob":-2,"token":"ü"}\r\n';
    writeFileSync(a, '');
    const r = start(watcherOptions(dir, [a], { readBudget: 3 }));
    const bytes = Buffer.from(content);
    for (let i = 0; i < bytes.length; i++) {
      appendFileSync(a, bytes.subarray(i, i + 1));
      if (i % 7 === 0) await new Promise((res) => setTimeout(res, 2));
    }
    await until(folded(r, 3));
    expectSameTotals(await stop(r), await oracle(dir, [content]));
  });

  it('rename rotation while running: the rotated file is read to its end, the new one from its start', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(5, 50));
    writeFileSync(a, old);
    const r = start(watcherOptions(dir, [`${a}*`]));
    await until(folded(r, 1));
    const tail = text(recordLines(6, 20, 't'));
    appendFileSync(a, tail);
    renameSync(a, `${a}.1`);
    const fresh = text(recordLines(7, 30, 'n'));
    writeFileSync(a, fresh);
    const expected = await oracle(dir, [old + tail, fresh]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('rename rotation while stopped, with the rotated name outside the pattern', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(8, 50));
    writeFileSync(a, old);
    const r1 = start(watcherOptions(dir, [a]));
    await until(folded(r1, 1));
    await stop(r1);
    const tail = text(recordLines(9, 10, 't'));
    appendFileSync(a, tail);
    renameSync(a, join(dir, 'a.old'));
    const fresh = text(recordLines(10, 10, 'n'));
    writeFileSync(a, fresh);
    const expected = await oracle(dir, [old + tail, fresh]);
    const r2 = start(watcherOptions(dir, [a]));
    await until(() => r2.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r2), expected);
  });

  it('a rotated file let go is retired into one accumulator, which the checkpoint keeps', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(40, 30));
    writeFileSync(a, old);
    const r1 = start(watcherOptions(dir, [a]));
    await until(async () => (await r1.watcher.status())[0]?.lag === 0);
    renameSync(a, join(dir, 'a.rotated')); // out of the pattern: read to its end, then let go
    const fresh = text(recordLines(41, 10, 'n'));
    writeFileSync(a, fresh);
    const expected = await oracle(dir, [old, fresh]);
    await until(async () => (await r1.watcher.status()).length === 1 && r1.watcher.corpus().tokens === expected.corpus.tokens);
    await new Promise((res) => setTimeout(res, 80)); // a checkpoint after the retirement
    await crash(r1);
    const r2 = start(watcherOptions(dir, [a]));
    await until(() => r2.watcher.corpus().tokens === expected.corpus.tokens);
    const report = await stop(r2);
    expectSameTotals(report, expected);
    expect(report.files.map((f) => f.file)).toEqual(['(1 rotated files let go earlier)', a]);
  });

  it('copy-truncate: the copy is recognised as content already counted', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(11, 60));
    writeFileSync(a, old);
    const r = start(watcherOptions(dir, [`${a}*`]));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    copyFileSync(a, `${a}.1`);
    truncateSync(a, 0);
    const fresh = text(recordLines(12, 15, 'n'));
    appendFileSync(a, fresh);
    const expected = await oracle(dir, [old, fresh]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    await new Promise((res) => setTimeout(res, 300)); // past the copy grace: nothing more may be counted
    expectSameTotals(await stop(r), expected);
  });

  it('truncate and grow past the old offset: the new content is read from its start', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(13, 20));
    writeFileSync(a, old);
    const r = start(watcherOptions(dir, [a]));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    const fresh = text(recordLines(14, 80, 'n'));
    expect(fresh.length).toBeGreaterThan(old.length);
    writeFileSync(a, fresh); // truncates and regrows in one go, past the old offset
    const expected = await oracle(dir, [old, fresh]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('delete and recreate', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const old = text(recordLines(15, 30));
    writeFileSync(a, old);
    const r = start(watcherOptions(dir, [a]));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    rmSync(a);
    const fresh = text(recordLines(16, 10, 'n'));
    writeFileSync(a, fresh);
    const expected = await oracle(dir, [old, fresh]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('two files with identical first lines are two files', async () => {
    const dir = scenario();
    const shared = text(recordLines(17, 3));
    const a = shared + text(recordLines(18, 10, 'a'));
    const b = shared + text(recordLines(19, 10, 'b'));
    writeFileSync(join(dir, 'a.jsonl'), a);
    writeFileSync(join(dir, 'b.jsonl'), b);
    const r = start(watcherOptions(dir, [join(dir, '*.jsonl')]));
    const expected = await oracle(dir, [a, b]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('an empty file that later grows, and a file created after the start that matches the glob', async () => {
    const dir = scenario();
    writeFileSync(join(dir, 'a.jsonl'), '');
    const r = start(watcherOptions(dir, [join(dir, '*.jsonl')]));
    await new Promise((res) => setTimeout(res, 50));
    const a = text(recordLines(20, 10));
    const b = text(recordLines(21, 10, 'b'));
    appendFileSync(join(dir, 'a.jsonl'), a);
    writeFileSync(join(dir, 'b.jsonl'), b);
    const expected = await oracle(dir, [a, b]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('malformed lines are bad records, and each reaches the dead-letter file once across a crash', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const dead = join(dir, 'dead.ndjson');
    const content = '{"id":"a","logprobs":[-1]}\nnot json\n{"id":"b","logprobs":[0.5]}\n{"id":"c","logprobs":[-1]}\n';
    writeFileSync(a, content);
    const r1 = start(watcherOptions(dir, [a], { deadLetter: dead, checkpointMs: 1_000_000 }));
    await until(() => r1.watcher.corpus().badRecords === 2);
    await crash(r1); // never checkpointed: the dead letters written so far must be cut back
    const r2 = start(watcherOptions(dir, [a], { deadLetter: dead }));
    await until(() => r2.watcher.corpus().badRecords === 2);
    expectSameTotals(await stop(r2), await oracle(dir, [content]));
    const lines = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.line, l.code])).toEqual([
      [2, 'INVALID_JSON'],
      [3, 'INVALID_LOGPROB'],
    ]);
  });

  it('a checkpoint write that fails (a full disk) is retried, and the previous checkpoint stays in force', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const content = text(recordLines(42, 200));
    writeFileSync(a, content);
    let failures = 0;
    const warnings: string[] = [];
    const r1 = start(
      watcherOptions(dir, [a], {
        readBudget: 512,
        warn: (w) => warnings.push(w),
        checkpointFault: (point) => {
          if (point === 'after-temp-write' && failures < 3) {
            failures++;
            throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          }
        },
      }),
    );
    await until(() => failures === 3 && r1.watcher.corpus().tokens > 0);
    await crash(r1);
    expect(warnings.some((w) => /checkpoint not written \(ENOSPC\); the previous one stays valid, retrying/.test(w))).toBe(true);
    const r2 = start(watcherOptions(dir, [a]));
    const expected = await oracle(dir, [content]);
    await until(() => r2.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r2), expected);
  });

  it('CRLF line endings', async () => {
    const dir = scenario();
    const content = recordLines(22, 20).map((l) => `${l}\r\n`).join('');
    writeFileSync(join(dir, 'a.jsonl'), content);
    const r = start(watcherOptions(dir, [join(dir, 'a.jsonl')]));
    const expected = await oracle(dir, [content]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('a file deleted while being read is still read to its end', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const content = text(recordLines(23, 400));
    writeFileSync(a, content);
    const r = start(watcherOptions(dir, [a], { readBudget: 256 }));
    await until(folded(r, 1));
    rmSync(a);
    const expected = await oracle(dir, [content]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('--from-end skips what is there at the first start, and reads what comes after', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    writeFileSync(a, text(recordLines(24, 20)));
    const r = start(watcherOptions(dir, [a], { fromEnd: true }));
    await new Promise((res) => setTimeout(res, 60));
    const later = text(recordLines(25, 5, 'later'));
    appendFileSync(a, later);
    const expected = await oracle(dir, [later]);
    await until(() => r.watcher.corpus().tokens === expected.corpus.tokens);
    expectSameTotals(await stop(r), expected);
  });

  it('the rolling window survives a restart (it is checkpointed with the totals)', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    writeFileSync(a, text(recordLines(70, 120)));
    const r1 = start(watcherOptions(dir, [a]));
    await until(async () => (await r1.watcher.status())[0]?.lag === 0);
    const before = (await r1.watcher.rolling()).window;
    expect(before.tokens).toBe(100);
    await until(() => !r1.watcher.hasUncommitted); // caught up, so committed
    await crash(r1); // kill -9: the window as of the last commit
    const windows: number[][] = [];
    const r2 = start(watcherOptions(dir, [a], { onRolling: (line) => windows.push([line.window.tokens, line.window.nll]) }));
    await until(() => windows.length > 0);
    expect(windows[0]).toEqual([before.tokens, before.nll]);
    await stop(r2);
  });
});
