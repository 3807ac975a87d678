import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const a = join(dir, 'a.jsonl');
writeFileSync(a, '{"id":"a","logprobs":[-1,-2]}\nnot json\n{"id":"b","logprobs":[-3]}\n');
const b = join(dir, 'b.jsonl');
writeFileSync(b, '{"sequence_id":"s","logprob":-0.5}\n{"sequence_id":"s","logprob":-0.25}\n');

describe('xent report --state-out and xent merge', () => {
  it('merging the states of two reports prints the report of one run over both files, in every format', async () => {
    const sa = join(dir, 'a.state.json');
    const sb = join(dir, 'b.state.json.gz');
    expect((await runCli(['report', a, '--state-out', sa, '--json'])).code).toBe(0);
    expect((await runCli(['report', b, '--state-out', sb, '--json'])).code).toBe(0);
    const one = await runCli(['report', a, b, '--json']);
    const merged = await runCli(['merge', sb, sa, '--json']);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(one.stdout);
    // 1+2+3 + 0.5+0.25 nats over 5 tokens, 3 sequences, 1 bad record
    expect(JSON.parse(merged.stdout).corpus).toMatchObject({ tokens: 5, nll: 6.75, sequences: 3 });
    for (const flag of ['--markdown', '--strict']) {
      const mine = await runCli(['merge', sa, sb, flag]);
      const theirs = await runCli(['report', a, b, flag]);
      expect(mine.stdout).toBe(theirs.stdout);
      expect(mine.code).toBe(theirs.code);
    }
  });

  it('refuses states taken with different settings (exit 2, naming the setting and the files)', async () => {
    const s1 = join(dir, 'one.json');
    const s2 = join(dir, 'two.json');
    await runCli(['report', a, '--state-out', s1, '--json']);
    await runCli(['report', b, '--state-out', s2, '--json', '--sentinels', 'exclude']);
    const { code, stderr } = await spawnCli(['merge', s1, s2]);
    expect(code).toBe(2);
    expect(stderr).toContain(`cannot merge: ${s1} and ${s2} were taken with different --sentinels (include and exclude)`);
  });

  it('refuses a damaged state, naming it (exit 2), and asks for at least one state', async () => {
    const damaged = join(dir, 'damaged.json');
    writeFileSync(damaged, '{"format":"xent-state","version":1,"sha256":"00","payload":{}}');
    const { code, stderr } = await spawnCli(['merge', damaged]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${damaged}: not a usable state file: its checksum does not match`);
    const none = await spawnCli(['merge']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/at least one state file/);
  });
});
