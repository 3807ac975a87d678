import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit-files.js';
import type { AuditReport } from '../../src/audit/audit-report.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { generateCorpus, MODELS, type GeneratedCorpus } from './generated-corpus.js';

const dir = tempDir('xent-audit-');

/** Reference: numpy's type-7 quantile of the exact per-sequence values, sorted here. */
function exactQuantile(values: number[], q: number): number {
  const s = values.slice().sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return (s[lo] as number) + (h - lo) * ((s[Math.min(s.length - 1, lo + 1)] as number) - (s[lo] as number));
}

/** Reference cross-entropy of a sequence: a plain mean, computed independently of xent's exact sums. */
function ce(logprobs: number[]): number {
  return -logprobs.reduce((a, b) => a + b, 0) / logprobs.length;
}

describe('auditFiles on a generated corpus with known answers', () => {
  let corpus: GeneratedCorpus;
  let report: AuditReport;
  beforeAll(async () => {
    corpus = generateCorpus(dir);
    report = await auditFiles([corpus.path], { top: 4, groupBy: 'model' });
  });

  it('lists the planted worst sequences first, with file and line, and the planted best', () => {
    expect(report.worst.map((w) => w.id)).toEqual(corpus.worst);
    const w = report.worst[1];
    expect(w).toMatchObject({ id: 'planted-worst-20', tokens: 7, file: corpus.path });
    expect(w?.cross_entropy).toBeCloseTo(20, 12);
    expect(w?.perplexity).toBeCloseTo(Math.exp(20), 0);
    expect(report.best[0]?.id).toBe(corpus.best);
    const lines = readFileSync(corpus.path, 'utf8').split('\n');
    expect(JSON.parse(lines[(w?.line as number) - 1] as string).id).toBe('planted-worst-20');
  });

  it('gives per-sequence perplexity and cross-entropy quantiles within 1% of the exact ones', () => {
    const ces = corpus.sequences.map((s) => ce(s.logprobs));
    for (const [key, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
      const exactCe = exactQuantile(ces, q);
      const exactPpl = exactQuantile(ces.map(Math.exp), q);
      expect(Math.abs(report.quantiles.sequence_cross_entropy[key] - exactCe) / exactCe, key).toBeLessThan(0.01);
      expect(Math.abs(report.quantiles.sequence_perplexity[key] - exactPpl) / exactPpl, key).toBeLessThan(0.01);
    }
    expect(report.corpus.sequences).toBe(corpus.sequences.length);
    expect(report.histogram.sequence_perplexity.counts.reduce((a, b) => a + b, 0)).toBe(corpus.sequences.length);
  });

  it('counts every planted anomaly by kind', () => {
    expect(report.anomalies).toEqual(corpus.anomalies);
    expect(report.anomaly_examples.find((e) => e.kind === 'sentinel')).toMatchObject({ sequence: 'sentinel-seq', position: 2, value: -9999 });
  });

  it('reports each bad line with file, line and reason', () => {
    expect(report.bad_records.count).toBe(3);
    expect(report.bad_records.examples.map((b) => b.line)).toEqual(corpus.badLines);
    expect(report.bad_records.examples.map((b) => b.code)).toEqual(['INVALID_JSON', 'INVALID_LOGPROB', 'UNKNOWN_FORMAT']);
  });

  it('gives mean cross-entropy by position bucket, as a brute-force pass over the tokens', () => {
    const sums = new Map<number, { n: number; nll: number }>();
    for (const s of corpus.sequences) {
      s.logprobs.forEach((lp, p) => {
        const b = p === 0 ? 0 : Math.floor(Math.log2(p)) + 1;
        const e = sums.get(b) ?? { n: 0, nll: 0 };
        e.n++;
        e.nll -= lp;
        sums.set(b, e);
      });
    }
    expect(report.positions.map((p) => p.from)).toEqual([0, 1, 2, 4, 8, 16]);
    for (const p of report.positions) {
      const b = p.from === 0 ? 0 : Math.log2(p.from) + 1;
      const e = sums.get(b);
      expect(p.tokens).toBe(e?.n);
      expect(p.cross_entropy).toBeCloseTo((e?.nll ?? 0) / (e?.n ?? 1), 9);
    }
  });

  it('gives the same figures with the heat-map detail as without it, less the detail', async () => {
    const detailed = await auditFiles([corpus.path], { top: 4, groupBy: 'model', detailTokens: 3 });
    const withoutDetail = (r: AuditReport): unknown => JSON.parse(JSON.stringify(r, (key, value: unknown) => (key === 'detail' ? undefined : value)));
    expect(detailed.worst[0]?.detail).toHaveLength(3);
    expect(withoutDetail(detailed)).toEqual(withoutDetail(report));
  });

  it('keeps groups in a Map: __proto__ and constructor are ordinary groups, a missing field is its own', () => {
    const groups = new Map(report.groups?.map((g) => [g.group, g]));
    for (const m of [...MODELS, 'c']) {
      const expected = corpus.sequences.filter((s) => s.model === m).length;
      expect(groups.get(m)?.corpus.sequences, m).toBe(expected);
    }
    expect(groups.get('__proto__')?.worst.length).toBe(4);
    expect(({} as Record<string, unknown>).sequences).toBeUndefined();
    expect(groups.get('a')?.anomalies.sentinel).toBe(1);
    expect(groups.get('b')?.anomalies.chosen_not_in_top_k).toBe(1);
  });
});

describe('xent audit (command)', () => {
  let corpus: GeneratedCorpus;
  beforeAll(() => {
    corpus = generateCorpus(dir, 400, 7);
  });

  it('--json follows the contract: worst entries, quantiles, anomalies, bad_records, groups', async () => {
    const { code, stdout } = await runCli(['audit', corpus.path, '--json', '--top', '2', '--group-by', 'model']);
    expect(code).toBe(EXIT.OK);
    const json = JSON.parse(stdout);
    expect(Object.keys(json.worst[0])).toEqual(expect.arrayContaining(['id', 'cross_entropy', 'perplexity', 'tokens', 'file', 'line']));
    expect(json.worst[0].id).toBe('sentinel-seq');
    expect(Object.keys(json.quantiles.sequence_perplexity)).toEqual(expect.arrayContaining(['p50', 'p90', 'p99']));
    expect(json.anomalies.duplicate_id).toBe(2);
    expect(json.bad_records.count).toBe(3);
    expect(json.groups.map((g: { group: string }) => g.group)).toEqual(['a', 'b', '__proto__', 'constructor', 'c']);
    for (const g of json.groups) expect(Object.keys(g)).toEqual(expect.arrayContaining(['group', 'corpus', 'quantiles', 'anomalies']));
  });

  it('a crossed threshold is named on stderr and exits 4; thresholds that hold exit 0', async () => {
    const crossed = await runCli(['audit', corpus.path, '--max-anomalies', 'sentinel=0', '--max-bad-records', '5']);
    expect(crossed.code).toBe(EXIT.THRESHOLD);
    expect(crossed.stderr).toMatch(/threshold crossed: --max-anomalies sentinel 0: 1/);
    expect(crossed.stderr).not.toMatch(/--max-bad-records/);
    const held = await runCli(['audit', corpus.path, '--max-anomalies', 'sentinel=1', '--max-bad-records', '3', '--max-perplexity', '1e300']);
    expect(held.code).toBe(EXIT.OK);
    expect(held.stdout).toMatch(/thresholds: 0 crossed of 3/);
    const groups = await runCli(['audit', corpus.path, '--group-by', 'model', '--max-anomalies', 'sentinel=0', '--json']);
    expect(JSON.parse(groups.stdout).thresholds.filter((t: { crossed: boolean }) => t.crossed).map((t: { group?: string }) => t.group ?? 'corpus')).toEqual(['corpus', 'a']);
  });

  it('--dead-letter writes each bad line as NDJSON {file, line, offset, reason, raw}', async () => {
    const dead = join(dir, 'dead.ndjson');
    await runCli(['audit', corpus.path, '--dead-letter', dead]);
    const rows = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.line)).toEqual(corpus.badLines);
    const lines = readFileSync(corpus.path, 'utf8').split('\n');
    for (const r of rows) {
      expect(r.raw).toBe(lines[r.line - 1]);
      expect(r.file).toBe(corpus.path);
      expect(typeof r.offset).toBe('number');
      expect(r.reason).toEqual(expect.any(String));
    }
  });

  it('prints a readable text report and Markdown', async () => {
    const text = await runCli(['audit', corpus.path, '--top', '2']);
    expect(text.stdout).toMatch(/worst\n.*sentinel-seq/);
    expect(text.stdout).toMatch(/duplicate_id\s+2/);
    const md = await runCli(['audit', corpus.path, '--markdown', '--top', '2']);
    expect(md.stdout).toMatch(/^# xent audit/);
    expect(md.stdout).toMatch(/\| sentinel-seq \|/);
  });

  it('rejects bad options with messages that quote the option', async () => {
    expect((await runCli(['audit', corpus.path, '--max-anomalies', 'bogus=1'])).stderr).toMatch(/`--max-anomalies`/);
    expect((await runCli(['audit', corpus.path, '--top', '-1'])).stderr).toMatch(/`--top`/);
    expect((await runCli(['audit', corpus.path, '--group-by', 'a..b'])).stderr).toMatch(/`--group-by`/);
    expect((await runCli(['audit', '/nonexistent/x.jsonl'])).code).toBe(EXIT.INPUT);
  });
});

describe('auditFiles over several files', () => {
  it('reads them one at a time by default, so examples follow the input order run after run', async () => {
    // A long first file whose bad line is last, then short files with one bad line each: read
    // four at once, the short files' bad lines would be found first.
    const folder = join(dir, 'ordered');
    mkdirSync(folder);
    const long = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: `l${i}`, logprobs: [-1, -2] }));
    writeFileSync(join(folder, 'a.jsonl'), `${long.join('\n')}\nnot json a\n`);
    for (const name of ['b', 'c', 'd']) writeFileSync(join(folder, `${name}.jsonl`), `{"id":"${name}","logprobs":[-1]}\nnot json ${name}\n`);
    const first = await auditFiles([folder], {});
    expect(first.bad_records.examples.map((b) => b.file.slice(-7))).toEqual(['a.jsonl', 'b.jsonl', 'c.jsonl', 'd.jsonl']);
    const again = await auditFiles([folder], {});
    expect(again).toEqual(first);
  });
});

