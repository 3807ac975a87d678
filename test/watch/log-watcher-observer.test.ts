import { appendFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate.js';
import { ExactSum } from '../../src/math/exact-sum.js';
import { DaemonStatus } from '../../src/watch/daemon-status.js';
import { SEQUENCE_CE_BUCKETS } from '../../src/watch/sequence-histogram.js';
import { crash, start, stop, until, watcherOptions } from '../helpers/watch-harness.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir('xent-observer-');
let n = 0;

/** Whole-sequence records (each closes at once) and, every 7th line, a bad one. */
function lines(seed: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 7 === 6) out.push(i % 2 === 0 ? 'not json' : '{"id":"no-logprobs"}');
    else out.push(JSON.stringify({ id: `s${seed}-${i}`, logprobs: Array.from({ length: 1 + ((i * seed) % 5) }, (_, k) => -(((i + k) * 37) % 97) / 13) }));
  }
  return out;
}

describe('LogWatcher with an observer (the daemon status behind /metrics)', () => {
  it('kills, restarts and a rotation: bytes, bad records by code and the sequence histogram equal one clean pass', async () => {
    const dir = join(root, `s${n++}`);
    mkdirSync(dir);
    const a = join(dir, 'a.jsonl');
    const all = lines(3, 420);
    const status = () => new DaemonStatus();
    const options = (observer: DaemonStatus) => watcherOptions(dir, [join(dir, '*.jsonl')], { readBudget: 700, observer, accumulator: { segment: 'all', sentinels: 'include', keepSequences: true } });
    let observer = status();
    let r = start(options(observer));
    let bytes = 0;
    for (let i = 0; i < 6; i++) {
      const piece = `${all.slice(i * 70, (i + 1) * 70).join('\n')}\n`;
      appendFileSync(a, piece);
      bytes += Buffer.byteLength(piece);
      if (i === 3) {
        // Rotated out of the pattern once read (read to its end, then let go and retired); a fresh a.jsonl follows.
        await until(() => observer.bytesRead === bytes);
        renameSync(a, join(dir, 'a.1.old'));
        await until(async () => (await r.watcher.status()).every((f) => !f.file.endsWith('a.jsonl')));
      }
      await new Promise((res) => setTimeout(res, (i * 17) % 50));
      await crash(r);
      observer = status();
      r = start(options(observer));

    }
    await until(() => observer.bytesRead === bytes);
    // Wait for the rotated file to be let go (retired), so its sequences went through retire() too.
    await until(async () => (await r.watcher.status()).every((f) => f.lag === 0));
    await stop(r);

    // The oracle: xent report over the same lines in one pass, keeping every sequence's figures.
    const oracleFile = join(dir, 'oracle.txt');
    appendFileSync(oracleFile, `${all.join('\n')}\n`);
    const report = await evaluate([oracleFile], { concurrency: 1, perSequence: true });
    const ces = (report.sequences ?? []).map((s) => s.cross_entropy);
    expect(ces.length).toBe(report.corpus.sequences);
    expect(observer.bytesRead).toBe(bytes);
    expect(observer.histogram.count).toBe(ces.length);
    // Bucket counts by filtering the oracle's values; the sum against an exact sum of them (math.fsum's algorithm).
    expect(observer.histogram.cumulative()).toEqual(SEQUENCE_CE_BUCKETS.map((b) => ces.filter((c) => c <= b).length));
    const sum = new ExactSum();
    for (const c of ces) sum.add(c);
    expect(observer.histogram.total()).toBe(sum.value());
    const bad = [...observer.badRecords.values()].reduce((x, y) => x + y, 0);
    expect(bad).toBe(report.bad_records.count);
    expect(bad).toBe(60);
    expect([...observer.badRecords.keys()].sort().length).toBe(2);
  });
});
