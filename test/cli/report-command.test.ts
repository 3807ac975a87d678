import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const good = join(dir, 'good.jsonl');
writeFileSync(good, '{"id":"a","logprobs":[-1,-2]}\n{"id":"b","logprobs":[-3]}\n');
const withBad = join(dir, 'bad.jsonl');
writeFileSync(withBad, '{"id":"a","logprobs":[-1]}\n{"id":"b","logprobs":[0.5]}\nnot json\n{"id":"c","logprobs":[-1]}\n');

describe('xent report', () => {
  it('--json prints one valid JSON object with the contract keys', async () => {
    const { code, stdout } = await runCli(['report', good, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.corpus).toMatchObject({ sequences: 2, tokens: 3, nll: 6, cross_entropy: 2, perplexity: Math.exp(2), bits_per_token: 2 / Math.LN2 });
    expect(report.bad_records).toEqual({ count: 0, examples: [] });
  });

  it('reports bad records with file, line and reason, and counts the good ones around them', async () => {
    const { code, stdout } = await runCli(['report', withBad, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.corpus.tokens).toBe(2);
    expect(report.bad_records.count).toBe(2);
    expect(report.bad_records.examples.map((b: { line: number }) => b.line)).toEqual([2, 3]);
    expect(report.bad_records.examples[0].reason).toMatch(/positive/);
    expect(report.bad_records.examples[0].file).toBe(withBad);
  });

  it('--strict turns bad records into exit code 3', async () => {
    const { code, stderr } = await runCli(['report', withBad, '--json', '--strict']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/--strict: 2 bad record/);
  });

  it('--dead-letter appends every bad line as NDJSON with file, line, offset, reason and raw text', async () => {
    const dead = join(dir, 'dead.ndjson');
    await runCli(['report', withBad, '--json', '--dead-letter', dead]);
    const lines = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    // offset = 27 + 28 bytes of the two lines before it
    expect(lines[1]).toMatchObject({ file: withBad, line: 3, offset: 55, code: 'INVALID_JSON', raw: 'not json' });
  });

  it('--ndjson --every N gives a rolling line each time the token count crosses a multiple of N, then the final one', async () => {
    const many = join(dir, 'many.jsonl');
    writeFileSync(many, Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `s${i}`, logprobs: [-1, -(i + 1)] })).join('\n'));
    const { stdout } = await runCli(['report', many, '--ndjson', '--every', '5']);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    // 2 tokens a record: totals 2,4,6,…,20 cross 5,10,15,20 → 4 rolling lines
    expect(lines.map((l) => l.type)).toEqual(['rolling', 'rolling', 'rolling', 'rolling', 'final']);
    expect(lines[0].corpus.tokens).toBe(6);
    // NLLs so far 1,1 | 1,2 | 1,3: the window holds the last five, 1+1+2+1+3 = 8
    expect(lines[0].window.tokens).toBe(5);
    expect(lines[0].window.nll).toBe(8);
    expect(lines[4].corpus.tokens).toBe(20);
  });

  it('--window N is the rolling window, --every N its older name: the same lines', async () => {
    const many = join(dir, 'many-window.jsonl');
    writeFileSync(many, Array.from({ length: 10 }, (_, i) => JSON.stringify({ id: `s${i}`, logprobs: [-1, -(i + 1)] })).join('\n'));
    const window = await runCli(['report', many, '--ndjson', '--window', '5']);
    const every = await runCli(['report', many, '--ndjson', '--every', '5']);
    expect(window.code).toBe(0);
    expect(window.stdout.trim().split('\n')).toHaveLength(5);
    expect(window.stdout).toBe(every.stdout);
    const alone = await runCli(['report', many, '--window', '5']);
    expect(alone.code).toBe(-1); // runCli: a usage error thrown by the parser (the bin exits 1 on it)
    expect(alone.stderr).toContain('--window (or --every) needs --ndjson');
  });

  it('--per-sequence lists every sequence', async () => {
    const { stdout } = await runCli(['report', good, '--json', '--per-sequence']);
    const report = JSON.parse(stdout);
    expect(report.sequences.map((s: { id: string; tokens: number; nll: number }) => [s.id, s.tokens, s.nll])).toEqual([
      ['a', 2, 3],
      ['b', 1, 3],
    ]);
  });

  it('a missing input is named on stderr, exits 2, and the other inputs are still reported', async () => {
    const { code, stdout, stderr } = await runCli(['report', good, join(dir, 'missing.jsonl'), '--json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/missing\.jsonl: no such file/);
    expect(JSON.parse(stdout).corpus.tokens).toBe(3);
  });

  it('rejects bad option values with a message quoting the option', async () => {
    const a = await runCli(['report', good, '--concurrency', '0']);
    expect(a.code).toBe(-1);
    expect(a.stderr).toMatch(/`--concurrency`/);
    const b = await runCli(['report', good, '--segment', 'middle']);
    expect(b.stderr).toMatch(/Invalid values/);
    const c = await runCli(['report']);
    expect(c.stderr).toMatch(/at least one file/);
  });

  it('the text report shows perplexity and no colour when not on a terminal', async () => {
    const { stdout } = await runCli(['report', good]);
    expect(stdout).toMatch(/perplexity\s+7\.3891/);
    expect(stdout).not.toMatch(/\u001b\[/);
  });
});
