import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bin, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const lines = Array.from({ length: 20000 }, (_, i) => JSON.stringify({ id: `s${i}`, logprobs: [-0.5, -1.5] })).join('\n');
const big = join(dir, 'big.jsonl');
writeFileSync(big, lines);

describe('the xent process', () => {
  it('exits quietly when its reader goes away (| head)', () => {
    // The broken control: with a reader that stays, the same command prints the whole report.
    const r = spawnSync('bash', ['-c', `node ${bin} report ${big} --per-sequence --json | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
    const full = spawnSync(process.execPath, [bin, 'report', big, '--per-sequence', '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(full.stdout.length).toBeGreaterThan(100_000);
  });

  it('reads stdin as - , gzip included', async () => {
    const r = await spawnCli(['report', '-', '--json'], { input: '{"id":"a","logprobs":[-2]}\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).corpus.nll).toBe(2);
    const gz = join(dir, 'x.jsonl.gz');
    writeFileSync(gz, gzipSync('{"id":"a","logprobs":[-2,-1]}\n'));
    const z = await spawnCli(['report', gz, '--json']);
    expect(JSON.parse(z.stdout).corpus.tokens).toBe(2);
  });

  it('documents its exit codes: 0 ok, 1 usage, 2 unreadable input, 3 strict', async () => {
    expect((await spawnCli(['report', big, '--json'])).code).toBe(0);
    const usage = await spawnCli(['report', big, '--no-such-flag']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/Unknown argument/);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
    const missing = await spawnCli(['report', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.jsonl: no such file/);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"id":"a","logprobs":[-1]}\n{oops\n');
    expect((await spawnCli(['report', bad, '--strict'])).code).toBe(3);
  });

  it('a state directory or output path the system refuses is one clear line and exit 2, not a stack trace', async () => {
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    const state = await spawnCli(['watch', join(dir, '*.jsonl'), '--state', file]);
    expect(state.code).toBe(2);
    expect(state.stderr).toMatch(/^xent: cannot mkdir .*not-a-directory: EEXIST/m);
    expect(state.stderr).not.toMatch(/\n\s+at /);
    const out = await spawnCli(['watch', join(dir, '*.jsonl'), '--out', dir]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^xent: cannot open .*: EISDIR/m);
  });

  it('watch --group-by and --max-groups are checked before anything is read', async () => {
    const path = await spawnCli(['watch', join(dir, '*.jsonl'), '--group-by', 'model..name']);
    expect(path.code).toBe(1);
    expect(path.stderr).toMatch(/Expected `--group-by` to be a dotted path like model or response.body.model, got "model..name"/);
    const max = await spawnCli(['watch', join(dir, '*.jsonl'), '--group-by', 'model', '--max-groups', '0']);
    expect(max.code).toBe(1);
    expect(max.stderr).toMatch(/--max-groups/);
  });

  it('--help lists the commands and the exit codes', async () => {
    const r = await spawnCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/xent report/);
    expect(r.stdout).toMatch(/Exit codes/);
  });

  it('colours the text report only when asked and never with NO_COLOR', async () => {
    const forced = await spawnCli(['report', big], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[1m/);
    const plain = await spawnCli(['report', big], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });
});
