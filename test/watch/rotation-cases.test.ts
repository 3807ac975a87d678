import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { crash, expectSameTotals, oracle, start, stop, until, watcherOptions } from '../helpers/watch-harness.js';

const root = tempDir('xent-rotation-');
let n = 0;
function scenario(): string {
  const dir = join(root, `s${n++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
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
});
