import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareFiles } from '../../src/compare/compare-files.js';
import type { CompareReport } from '../../src/compare/compare-report.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seeded } from '../audit/generated-corpus.js';

const dir = tempDir('xent-compare-');

/**
 * Two dumps of the same 2,000 prompts with known per-sequence cross-entropies (constant logprobs):
 * B is 0.1 nats better on even ids and 0.05 worse on odd ones, three planted big changes, 5 ids
 * only in A, 3 only in B, and B written in reverse order under other record ids with the prompt
 * id in `meta.prompt` (so matching by --key is needed for the renamed side).
 */
function generate(): { a: string; b: string; bRenamed: string; diffs: Map<string, number> } {
  const rand = seeded(9);
  const a: string[] = [];
  const b: { id: string; logprobs: number[] }[] = [];
  const diffs = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const id = `p-${i}`;
    const ceA = Number((1 + 2 * rand()).toFixed(3));
    const planted = i === 10 ? 3 : i === 20 ? -2.5 : i === 30 ? 2 : undefined;
    const ceB = planted !== undefined ? ceA + planted : i % 2 === 0 ? ceA - 0.1 : ceA + 0.05;
    if (i >= 1990) {
      a.push(JSON.stringify({ id, logprobs: [-ceA, -ceA] }));
      continue;
    }
    a.push(JSON.stringify({ id, meta: { prompt: id }, logprobs: [-ceA, -ceA, -ceA] }));
    b.push({ id, logprobs: [-ceB, -ceB] });
    diffs.set(id, ceB - ceA);
  }
  for (let i = 0; i < 3; i++) b.push({ id: `new-${i}`, logprobs: [-1] });
  b.reverse();
  const aPath = join(dir, 'a.jsonl');
  const bPath = join(dir, 'b.jsonl');
  const bRenamed = join(dir, 'b-renamed.jsonl');
  writeFileSync(aPath, `${a.join('\n')}\n`);
  writeFileSync(bPath, `${b.map((s) => JSON.stringify(s)).join('\n')}\n`);
  writeFileSync(bRenamed, `${b.map((s, i) => JSON.stringify({ id: `run2-${i}`, meta: { prompt: s.id }, logprobs: s.logprobs })).join('\n')}\n`);
  return { a: aPath, b: bPath, bRenamed, diffs };
}

describe('compareFiles', () => {
  let data: ReturnType<typeof generate>;
  let report: CompareReport;
  beforeAll(async () => {
    data = generate();
    report = await compareFiles([data.a], [data.b], { top: 3, partitions: 16 });
  });

  it('matches by id whatever the order, and finds ids present on one side only', () => {
    expect(report.matched).toBe(1990);
    expect(report.a.only_here.count).toBe(10);
    expect(report.b.only_here.count).toBe(3);
    expect(report.b.only_here.examples.sort()).toEqual(['new-0', 'new-1', 'new-2']);
  });

  it('gives the mean difference of the known per-sequence differences, and win rate', () => {
    const ds = [...data.diffs.values()];
    // Reference: a plain mean of the constructed differences.
    expect(report.mean_difference).toBeCloseTo(ds.reduce((x, y) => x + y, 0) / ds.length, 9);
    expect(report.wins).toBe(ds.filter((d) => d < 0).length);
    expect(report.losses).toBe(ds.filter((d) => d > 0).length);
    expect(report.win_rate).toBeCloseTo(report.wins / 1990, 12);
    expect(report.ci95.low).toBeLessThan(report.mean_difference);
    expect(report.ci95.high).toBeGreaterThan(report.mean_difference);
  });

  it('lists the planted big changes first', () => {
    expect(report.most_changed.map((c) => c.id)).toEqual(['p-10', 'p-20', 'p-30']);
    expect(report.most_changed[0]?.difference).toBeCloseTo(3, 9);
    expect(report.most_changed[0]).toMatchObject({ file_a: data.a, line_a: 11, file_b: data.b, tokens_a: 3, tokens_b: 2 });
  });

  it('gives the same figures whatever the number of partitions, and the same CI for the same seed', async () => {
    const one = await compareFiles([data.a], [data.b], { top: 3, partitions: 1 });
    expect(one.mean_difference).toBe(report.mean_difference);
    expect(one.most_changed).toEqual(report.most_changed);
    expect(one.wins).toBe(report.wins);
    const again = await compareFiles([data.a], [data.b], { top: 3, partitions: 16 });
    expect(again.ci95).toEqual(report.ci95);
  });

  it('--key matches records by a dotted path when the ids differ', async () => {
    const keyed = await compareFiles([data.a], [data.bRenamed], { key: 'meta.prompt', top: 3 });
    expect(keyed.matched).toBe(1990);
    expect(keyed.mean_difference).toBe(report.mean_difference);
    expect(keyed.a.keyless_records).toBe(10);
    const unkeyed = await compareFiles([data.a], [data.bRenamed], {});
    expect(unkeyed.matched).toBe(0);
  });
});

describe('xent compare (command)', () => {
  let data: ReturnType<typeof generate>;
  beforeAll(() => {
    data = generate();
  });

  it('prints text, JSON, and exits 4 when --max-mean-difference is crossed', async () => {
    const text = await runCli(['compare', data.a, data.b, '--top', '2']);
    expect(text.code).toBe(EXIT.OK);
    expect(text.stdout).toMatch(/matched sequences\s+1,990/);
    const json = JSON.parse((await runCli(['compare', data.a, data.b, '--json'])).stdout);
    expect(json.matched).toBe(1990);
    const gate = await runCli(['compare', data.a, data.b, '--max-mean-difference', '-1']);
    expect(gate.code).toBe(EXIT.THRESHOLD);
    expect(gate.stderr).toMatch(/threshold crossed: --max-mean-difference -1/);
    expect((await runCli(['compare', data.a, data.b, '--bootstrap', '3'])).stderr).toMatch(/`--bootstrap`/);
    expect((await runCli(['compare', data.a, data.b, '--max-mean-difference', 'big'])).stderr).toMatch(/`--max-mean-difference` to be a number/);
  });

  it('--markdown keeps its table whole when ids and file names hold pipes or newlines', async () => {
    const a = join(dir, 'side|a.jsonl');
    const b = join(dir, 'side-b.jsonl');
    writeFileSync(a, `${JSON.stringify({ id: 'x|y\nz', logprobs: [-1] })}\n${JSON.stringify({ id: 'plain', logprobs: [-2] })}\n`);
    writeFileSync(b, `${JSON.stringify({ id: 'x|y\nz', logprobs: [-3] })}\n${JSON.stringify({ id: 'plain', logprobs: [-2.5] })}\n`);
    const md = (await runCli(['compare', a, b, '--markdown'])).stdout;
    const header = md.split('\n').find((l) => l.startsWith('| id |')) as string;
    const rows = md.split('\n').slice(md.split('\n').indexOf(header) + 2).filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(2);
    const cellsOf = (row: string) => row.split(/(?<!\\)\|/).length;
    for (const row of rows) expect(cellsOf(row), row).toBe(cellsOf(header));
    expect(rows[0]).toContain('x\\|y z');
  });
});
