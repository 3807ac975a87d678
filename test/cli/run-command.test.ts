import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
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

  it('runs an audit pipeline end to end: every output, the dead letters, and a crossed threshold (exit 4)', async () => {
    const corpus = join(dir, 'audit.jsonl');
    writeFileSync(
      corpus,
      [
        '{"id":"low","model":"m1","tokens":["a","b"],"logprobs":[-0.5,-0.5]}',
        '{"id":"high","model":"m2","tokens":["<script>","x"],"logprobs":[-3,-5],"top_logprobs":[[-0.25,-3],[-0.5]]}',
        '{"id":"mid","model":"m1","logprobs":[-1,-9999]}',
        'not json',
        '',
      ].join('\n'),
    );
    const out = { json: join(dir, 'audit.json'), markdown: join(dir, 'audit.md'), html: join(dir, 'audit.html'), dead: join(dir, 'audit-bad.ndjson') };
    const pipeline = join(dir, 'audit-pipeline.json');
    writeFileSync(
      pipeline,
      JSON.stringify({
        mode: 'audit',
        source: { paths: [corpus] },
        top: 2,
        rank_by: 'cross-entropy',
        group_by: 'model',
        outputs: [{ type: 'text' }, { type: 'json', path: out.json }, { type: 'markdown', path: out.markdown }, { type: 'html', path: out.html }],
        dead_letter: out.dead,
        thresholds: { max_bad_records: 0, max_anomalies: { sentinel: 1 } },
      }),
    );
    const { code, stdout, stderr } = await runCli(['run', pipeline]);
    expect(code).toBe(EXIT.THRESHOLD);
    expect(stderr).toBe('xent: threshold crossed: --max-bad-records 0: 1\n');
    expect(stdout).toMatch(/worst\n.*mid/);
    const json = JSON.parse(readFileSync(out.json, 'utf8'));
    // Reference cross-entropies, by hand: mid (1 + 9999) / 2 = 5000, high (3 + 5) / 2 = 4, low 0.5.
    expect(json.worst.map((w: { id: string; cross_entropy: number }) => [w.id, w.cross_entropy])).toEqual([
      ['mid', 5000],
      ['high', 4],
    ]);
    expect(json.best[0].id).toBe('low');
    expect(json.anomalies.sentinel).toBe(1);
    expect(json.bad_records.count).toBe(1);
    expect(json.groups.map((g: { group: string }) => g.group)).toEqual(['m1', 'm2']);
    // corpus + 2 groups for the sentinel limit, the corpus for bad records; only bad records crossed
    expect(json.thresholds.map((t: { name: string; crossed: boolean }) => [t.name, t.crossed])).toEqual([
      ['--max-anomalies sentinel', false],
      ['--max-anomalies sentinel', false],
      ['--max-anomalies sentinel', false],
      ['--max-bad-records', true],
    ]);
    // An html output asks for the heat-map's token detail (detail_tokens defaults to 200).
    expect(json.worst[1].detail[0]).toEqual({ text: '<script>', logprob: -3, alternatives: [{ text: '', logprob: -0.25 }, { text: '', logprob: -3 }] });
    expect(readFileSync(out.markdown, 'utf8')).toMatch(/^# xent audit/);
    const html = readFileSync(out.html, 'utf8');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    const dead = readFileSync(out.dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dead).toMatchObject([{ file: corpus, line: 4, raw: 'not json' }]);
  });

  it('an audit pipeline without an html output keeps no token detail, and files given replace its paths', async () => {
    const pipeline = join(dir, 'audit-json.json');
    writeFileSync(pipeline, JSON.stringify({ mode: 'audit', source: { paths: ['does-not-exist'] }, outputs: [{ type: 'json' }] }));
    const { code, stdout } = await runCli(['run', pipeline, input]);
    expect(code).toBe(EXIT.OK);
    const json = JSON.parse(stdout);
    expect(json.corpus.tokens).toBe(3);
    expect(json.top).toBe(10);
    expect(json.worst[0]).not.toHaveProperty('detail');
  });

  it('runs a compare pipeline: side A and side B from the command line, bootstrap settings, the mean-difference gate', async () => {
    const a = join(dir, 'side-a.jsonl');
    const b = join(dir, 'side-b.jsonl');
    writeFileSync(a, '{"id":"s1","logprobs":[-2,-2]}\n{"id":"s2","logprobs":[-1]}\n{"id":"s3","logprobs":[-3]}\n{"id":"only-a","logprobs":[-1]}\n');
    writeFileSync(b, '{"id":"s3","logprobs":[-1,-1]}\n{"id":"s1","logprobs":[-1]}\n{"id":"s2","logprobs":[-1.5,-1.5]}\n');
    const pipeline = join(dir, 'compare.json');
    const html = join(dir, 'compare.html');
    writeFileSync(
      pipeline,
      JSON.stringify({
        mode: 'compare',
        source: { paths: ['a-not-here', 'b-not-here'] },
        bootstrap: 200,
        seed: 3,
        outputs: [{ type: 'json' }, { type: 'html', path: html }],
        thresholds: { max_mean_difference: -5 },
      }),
    );
    const { code, stdout, stderr } = await runCli(['run', pipeline, a, b]);
    expect(code).toBe(EXIT.THRESHOLD);
    expect(stderr).toMatch(/^xent: threshold crossed: --max-mean-difference -5: the 95% CI is \[/);
    const json = JSON.parse(stdout);
    expect(json.matched).toBe(3);
    // Reference B − A per id, by hand: s1 1 − 2 = −1, s2 1.5 − 1 = 0.5, s3 1 − 3 = −2; mean −2.5 / 3.
    expect(json.mean_difference).toBeCloseTo(-2.5 / 3, 12);
    expect(json.wins).toBe(2);
    expect(json.bootstrap).toEqual({ replicates: 200, seed: 3 });
    expect(json.a.only_here).toEqual({ count: 1, examples: ['only-a'] });
    expect(existsSync(html)).toBe(true);
    const one = await runCli(['run', pipeline, a]);
    expect(one.code).toBe(-1);
    expect(one.stderr).toMatch(/A compare pipeline takes two inputs, side A then side B; got 1/);
  });
});
