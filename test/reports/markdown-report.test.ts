import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate.js';
import { renderMarkdown } from '../../src/reports/markdown-report.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-markdown-');

/** A table row's cells, split on the pipes Markdown reads as separators (not on escaped ones). */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
}

describe('renderMarkdown', () => {
  it('tables the corpus and segments with the JSON report\'s figures', async () => {
    // 3 tokens, NLL 1 + 2 + 3 = 6 over two sequences: cross-entropy 2, perplexity e², bits/token 2/ln 2.
    const file = join(dir, 'two.jsonl');
    writeFileSync(file, '{"id":"a","logprobs":[-1,-2],"segment":"prompt"}\n{"id":"b","logprobs":[-3]}\n');
    const md = renderMarkdown(await evaluate([file]));
    const lines = md.split('\n');
    expect(lines[0]).toBe('# xent report');
    const header = lines.findIndex((l) => l.startsWith('| | tokens'));
    expect(cells(lines[header] as string)).toEqual(['', 'tokens', 'sequences', 'cross-entropy (nats/token)', 's.e.', 'perplexity', 'bits/token']);
    const corpus = cells(lines[header + 2] as string);
    expect(corpus.slice(0, 3)).toEqual(['corpus', '3', '2']);
    expect(Number(corpus[3])).toBe(2);
    expect(Number(corpus[5])).toBeCloseTo(Math.exp(2), 4);
    expect(Number(corpus[6])).toBeCloseTo(2 / Math.LN2, 4);
    expect(cells(lines[header + 3] as string).slice(0, 4)).toEqual(['prompt', '2', '1', '1.5000']);
    expect(cells(lines[header + 4] as string).slice(0, 4)).toEqual(['completion', '1', '1', '3.0000']);
    expect(md.endsWith('\n')).toBe(true);
  });

  it('keeps tables whole whatever the data: pipes and newlines in file names and reasons are escaped', async () => {
    const file = join(dir, 'odd|name.jsonl');
    writeFileSync(file, '{"id":"a","logprobs":[-1]}\n{"id":"b","logprobs":[0.5]}\nnot | json\n');
    const other = join(dir, 'plain.jsonl');
    writeFileSync(other, '{"id":"c","logprobs":[-2]}\n');
    const md = renderMarkdown(await evaluate([file, other]));
    const tableRows = md.split('\n').filter((l) => l.startsWith('|'));
    // Every row of a table has as many cells as its header.
    let width = 0;
    for (const row of tableRows) {
      if (/^\|(---|:?-)/.test(row)) continue;
      const n = cells(row).length;
      if (row.startsWith('| |') || row.startsWith('| input') || row.startsWith('| where')) width = n;
      else expect(n, row).toBe(width);
    }
    expect(md).toContain('## Bad records');
    expect(md).toContain('odd\\|name.jsonl line 2');
    expect(md).toMatch(/\| INVALID\\_JSON \|/);
    expect(md).toContain('## Inputs');
  });
});

describe('xent report --markdown', () => {
  it('prints the Markdown report, and is one output mode among --json and --ndjson', async () => {
    const file = join(dir, 'cli.jsonl');
    writeFileSync(file, '{"id":"a","logprobs":[-1,-2]}\n');
    const md = await runCli(['report', file, '--markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# xent report\n/);
    expect(md.stdout).toMatch(/\| corpus \| 2 \| 1 \| 1\.5000 \|/);
    const both = await runCli(['report', file, '--markdown', '--json']);
    expect(both.code).toBe(-1);
    expect(both.stderr).toMatch(/mutually exclusive/);
  });
});
