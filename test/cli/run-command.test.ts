import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const input = join(dir, 'in.jsonl');
writeFileSync(input, '{"id":"a","logprobs":[-1,-2]}\n{"id":"b","logprobs":[-3]}\n');

describe('xent run', () => {
  it('runs a pipeline: reads once, writes every output', async () => {
    const pipeline = join(dir, 'p.json');
    const jsonOut = join(dir, 'out.json');
    const ndjsonOut = join(dir, 'out.ndjson');
    writeFileSync(
      pipeline,
      JSON.stringify({
        source: { paths: [input] },
        windows: { every: 2 },
        outputs: [{ type: 'text' }, { type: 'json', path: jsonOut }, { type: 'ndjson', path: ndjsonOut }],
      }),
    );
    const { code, stdout } = await runCli(['run', pipeline]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/perplexity/);
    expect(JSON.parse(readFileSync(jsonOut, 'utf8')).corpus.nll).toBe(6);
    const lines = readFileSync(ndjsonOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // 2 tokens, then 3: only the first record crosses a multiple of 2
    expect(lines.map((l) => l.type)).toEqual(['rolling', 'final']);
  });

  it('files given after the pipeline replace its source paths', async () => {
    const pipeline = join(dir, 'q.json');
    writeFileSync(pipeline, JSON.stringify({ source: { paths: ['does-not-exist'] }, outputs: [{ type: 'json' }] }));
    const { code, stdout } = await runCli(['run', pipeline, input]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).corpus.tokens).toBe(3);
  });

  it('an invalid pipeline is a usage error that names the file and field', async () => {
    const pipeline = join(dir, 'bad.json');
    writeFileSync(pipeline, JSON.stringify({ source: { paths: [input] }, outputs: [{ type: 'xml' }] }));
    const { code, stderr } = await runCli(['run', pipeline]);
    expect(code).toBe(-1);
    expect(stderr).toMatch(/bad\.json: expected `outputs\[0\]\.type`/);
  });
});
