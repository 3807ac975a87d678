import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFiles } from '../../src/compare/compare-files.js';
import type { CompareReport } from '../../src/compare/compare-report.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { XENT_VERSION } from '../../src/version.js';
import { repoRoot, runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * `compare --kl` against figures computed without xent: each test/fixtures/compare-kl/NAME.expected.json was written by
 * `python3 test/fixtures/compare-kl/compare_kl_reference.py NAME-a.jsonl NAME-b.jsonl` (numpy 2.4, scipy 1.17:
 * scipy.special.log_softmax and rel_entr, math.fsum, numpy.quantile; the script's docstring says how each figure is made).
 *  - full: xent-distribution logits and probs on both sides (exact), ±1e4 logits, probabilities of 1e-9 and 2e-200, a
 *    probability row against a logits row, rows of different lengths, a length mismatch, one-sided ids, and side B in
 *    another order;
 *  - topk: OpenAI chat top_logprobs on both sides (lower bounds), a scored token listed on one side only, rests below
 *    the 1e-6 floor, a position with no listing on side B, a near-certain token printed as logprob 0 on side B (its
 *    rest taken as 1e-6);
 *  - mixed: full rows and top-k in one dump, and a sequence with a full row on A and top-k on B.
 */
const fixtures = join(repoRoot, 'test', 'fixtures', 'compare-kl');
const dir = tempDir('xent-compare-kl-');

interface Expected {
  matched: number;
  only_a: string[];
  only_b: string[];
  kl: Record<string, number> & { delta_p: Record<string, number> };
  kl_values: number[];
  kl_top_sequences: { id: string; mean_kl: number; positions: number; line_a: number; line_b: number }[];
  length_mismatch: { id: string; line_a: number; line_b: number; positions_a: number; positions_b: number }[];
  unscored_positions: number;
}

function expected(name: string): Expected {
  return JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), 'utf8')) as Expected;
}

/**
 * Tolerance: ±1e4 logits put every log-probability within a few ulps of 1e4 (1.8e-12) of its true value, in xent and
 * in scipy alike, so the full fixture's figures agree to 1e-11; the others agree to 1e-13 relative.
 */
function expectClose(actual: number | undefined, want: number, tolerance: number, what: string): void {
  expect(typeof actual, what).toBe('number');
  expect(Math.abs((actual as number) - want), `${what}: ${actual} vs ${want}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want)));
}

function checkAgainst(report: CompareReport, e: Expected, tolerance: number, name: string): void {
  expect(report.matched).toBe(e.matched);
  expect(report.a.only_here.examples.sort()).toEqual(e.only_a);
  expect(report.b.only_here.examples.sort()).toEqual(e.only_b);
  const kl = report.kl;
  expect(kl, 'kl').toBeDefined();
  if (kl === undefined) return;
  expect(kl.positions).toBe(e.kl.positions);
  expect(kl.exact_positions).toBe(e.kl.exact_positions);
  for (const key of ['mean', 'standard_error', 'median', 'p90', 'p99', 'max', 'same_top1'] as const) {
    expectClose(kl[key], e.kl[key] as number, tolerance, `${name}: kl.${key}`);
  }
  for (const key of ['mean', 'rms', 'p01', 'p99'] as const) expectClose(kl.delta_p[key], e.kl.delta_p[key] as number, tolerance, `${name}: kl.delta_p.${key}`);
  const top = report.kl_top_sequences ?? [];
  expect(top.map((s) => s.id)).toEqual(e.kl_top_sequences.map((s) => s.id));
  for (const [i, s] of e.kl_top_sequences.entries()) {
    expectClose(top[i]?.mean_kl, s.mean_kl, tolerance, `${name}: ${s.id} mean KL`);
    expect(top[i]).toMatchObject({ positions: s.positions, line_a: s.line_a, line_b: s.line_b });
  }
  expect(report.kl_sequences).toBe(e.kl_top_sequences.length);
  expect(report.kl_length_mismatch?.count).toBe(e.length_mismatch.length);
  expect(
    report.kl_length_mismatch?.examples.map((m) => ({ id: m.id, line_a: m.a.line, line_b: m.b.line, positions_a: m.a.positions, positions_b: m.b.positions })),
  ).toEqual(e.length_mismatch);
  expect(report.kl_unscored_positions?.count).toBe(e.unscored_positions);
  const h = report.kl_histogram;
  const bins = e.kl_values.map((x) => h?.edges.findIndex((edge) => x < edge)).map((i) => (i === -1 ? (h?.edges.length as number) : (i as number)));
  expect(h?.counts).toEqual(h?.counts.map((_, i) => bins.filter((b) => b === i).length));
}

const side = (name: string, s: 'a' | 'b') => join(fixtures, `${name}-${s}.jsonl`);

describe('compareFiles with kl', () => {
  it('is exact with full rows on both sides: ±1e4 logits, near-zero probabilities, probs against logits', async () => {
    const report = await compareFiles([side('full', 'a')], [side('full', 'b')], { kl: true, partitions: 4 });
    checkAgainst(report, expected('full'), 1e-11, 'full');
    expect(report.kl?.exact_positions).toBe(report.kl?.positions);
  });

  it('names a length mismatch with the id, file and line of both sides, and leaves its positions out', async () => {
    const report = await compareFiles([side('full', 'a')], [side('full', 'b')], { kl: true });
    expect(report.kl_length_mismatch?.examples).toEqual([
      { code: 'length_mismatch', id: 'len', a: { file: side('full', 'a'), line: 5, positions: 3 }, b: { file: side('full', 'b'), line: 3, positions: 2 } },
    ]);
    expect(report.kl_top_sequences?.map((s) => s.id)).not.toContain('len');
    // Rows of 3 and 4 entries are not compared, and say so; the sequence's other position still counts.
    expect(report.kl_unscored_positions?.examples).toEqual([{ id: 'vocab', position: 0, reason: 'the rows have 3 and 4 entries' }]);
  });

  it('gives the top-k lower bound with top_logprobs on both sides, finite where B prints a near-certain token', async () => {
    const report = await compareFiles([side('topk', 'a')], [side('topk', 'b')], { kl: true, partitions: 3 });
    checkAgainst(report, expected('topk'), 1e-13, 'topk');
    expect(report.kl?.exact_positions).toBe(0);
    expect(report.kl_unscored_positions?.examples[0]?.reason).toMatch(/no distribution on side B/);
  });

  it('counts exact and bound positions apart in a mixed dump, and never matches a full row with top-k texts', async () => {
    const report = await compareFiles([side('mixed', 'a')], [side('mixed', 'b')], { kl: true });
    checkAgainst(report, expected('mixed'), 1e-13, 'mixed');
    expect(report.kl_unscored_positions?.examples).toEqual([
      { id: 'cross', position: 0, reason: 'a full row on side A and top-k texts on the other: no token to match' },
    ]);
  });

  it('gives the bundled sample pair\'s figures (samples/kl-reference.jsonl against samples/kl-candidate.jsonl)', async () => {
    const report = await compareFiles([join(repoRoot, 'samples', 'kl-reference.jsonl')], [join(repoRoot, 'samples', 'kl-candidate.jsonl')], { kl: true });
    checkAgainst(report, expected('samples'), 1e-13, 'samples');
  });

  it('gives the same figures whatever the number of partitions and the order of side B', async () => {
    const one = await compareFiles([side('full', 'a')], [side('full', 'b')], { kl: true, partitions: 1 });
    const many = await compareFiles([side('full', 'a')], [side('full', 'b')], { kl: true, partitions: 13 });
    expect(many.kl).toEqual(one.kl);
    expect(many.kl_top_sequences).toEqual(one.kl_top_sequences);
    const reversed = join(dir, 'full-b-reversed.jsonl');
    writeFileSync(reversed, `${readFileSync(side('full', 'b'), 'utf8').trim().split('\n').reverse().join('\n')}\n`);
    const other = await compareFiles([side('full', 'a')], [reversed], { kl: true, partitions: 5 });
    expect(other.kl).toEqual(one.kl);
    expect(other.kl_top_sequences?.map((s) => [s.id, s.mean_kl])).toEqual(one.kl_top_sequences?.map((s) => [s.id, s.mean_kl]));
  });

  it('counts a repeated id once, compares the first, and keeps the cross-entropy comparison as it is without --kl', async () => {
    const a = join(dir, 'dup-a.jsonl');
    const lines = readFileSync(side('full', 'a'), 'utf8').trim().split('\n');
    writeFileSync(a, `${[...lines, lines[0]].join('\n')}\n`);
    const withKl = await compareFiles([a], [side('full', 'b')], { kl: true });
    const without = await compareFiles([a], [side('full', 'b')]);
    expect(withKl.a.duplicate_ids).toBe(1);
    const { kl: _kl, kl_top_sequences: _t, kl_sequences: _s, kl_length_mismatch: _m, kl_unscored_positions: _u, kl_histogram: _h, ...rest } = withKl;
    expect(rest).toEqual(without);
  });

  it('matches by --key with rows too', async () => {
    const renamed = join(dir, 'renamed-b.jsonl');
    const lines = readFileSync(side('full', 'b'), 'utf8').trim().split('\n');
    writeFileSync(renamed, `${lines.map((l, i) => JSON.stringify({ ...JSON.parse(l), id: `run2-${i}`, meta: { prompt: JSON.parse(l).id } })).join('\n')}\n`);
    const keyedA = join(dir, 'keyed-a.jsonl');
    writeFileSync(keyedA, `${readFileSync(side('full', 'a'), 'utf8').trim().split('\n').map((l) => JSON.stringify({ ...JSON.parse(l), meta: { prompt: JSON.parse(l).id } })).join('\n')}\n`);
    const keyed = await compareFiles([keyedA], [renamed], { kl: true, key: 'meta.prompt' });
    const plain = await compareFiles([side('full', 'a')], [side('full', 'b')], { kl: true });
    expect(keyed.kl).toEqual(plain.kl);
  });

  it('stops comparing a sequence where its next tokens differ (the texts parted), and says why', async () => {
    const chat = (tokens: [string, number, [string, number][]][]) =>
      JSON.stringify({
        id: 'drift',
        object: 'chat.completion',
        choices: [{ index: 0, logprobs: { content: tokens.map(([token, logprob, top]) => ({ token, logprob, top_logprobs: top.map(([t, l]) => ({ token: t, logprob: l })) })) } }],
      });
    const a = join(dir, 'drift-a.jsonl');
    const b = join(dir, 'drift-b.jsonl');
    writeFileSync(a, `${chat([['x', -0.5, [['x', -0.5], ['y', -1]]], ['y', -0.1, [['y', -0.1]]], ['w', -0.3, [['w', -0.3]]]])}\n`);
    writeFileSync(b, `${chat([['x', -0.5, [['x', -0.5], ['y', -1]]], ['z', -0.2, [['z', -0.2]]], ['w', -0.3, [['w', -0.3]]]])}\n`);
    const report = await compareFiles([a], [b], { kl: true });
    expect(report.kl?.positions).toBe(1);
    expect(report.kl?.max).toBe(0);
    expect(report.kl_unscored_positions?.examples).toEqual([
      { id: 'drift', position: 1, reason: 'the next token differs ("y" on side A, "z" on side B): not the same text' },
      { id: 'drift', position: 2, reason: 'the texts parted at position 1 ("y" on side A, "z" on side B)' },
    ]);
  });

  it('is exact over a 128k vocabulary (rows of 1 MB through the partitions)', async () => {
    // Reference (numpy 2.4, scipy 1.17), the same rows: j = np.arange(131072.0); for k in 0, 1:
    //   a = 8*np.sin(0.37*j + k) + (j % 97)/10; b = a + 0.05*np.cos(1.3*j + k)
    //   math.fsum(rel_entr(exp(log_softmax(a)), exp(log_softmax(b)))) → 0.0006242946740477448, 0.0006228108081348399
    const V = 131072;
    const rows = (k: number) => {
      const a = Array.from({ length: V }, (_, j) => 8 * Math.sin(0.37 * j + k) + (j % 97) / 10);
      return { a, b: a.map((x, j) => x + 0.05 * Math.cos(1.3 * j + k)) };
    };
    const [r0, r1] = [rows(0), rows(1)];
    const a = join(dir, 'vocab-128k-a.jsonl');
    const b = join(dir, 'vocab-128k-b.jsonl');
    writeFileSync(a, `${JSON.stringify({ id: 'big', logits: [r0.a, r1.a], targets: [5, 7] })}\n`);
    writeFileSync(b, `${JSON.stringify({ id: 'big', logits: [r0.b, r1.b], targets: [5, 7] })}\n`);
    const report = await compareFiles([a], [b], { kl: true, partitions: 2 });
    expect(report.kl?.exact_positions).toBe(2);
    expectClose(report.kl?.max, 0.0006242946740477448, 1e-12, '128k: max');
    expectClose(report.kl?.mean, (0.0006242946740477448 + 0.0006228108081348399) / 2, 1e-12, '128k: mean');
  });
});

describe('xent compare --kl (command)', () => {
  it('adds the KL figures to the JSON', async () => {
    const run = await runCli(['compare', side('topk', 'a'), side('topk', 'b'), '--kl', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as CompareReport;
    expect(json.kl?.positions).toBe(5);
    expect(Object.keys(json.kl ?? {})).toEqual(['positions', 'exact_positions', 'mean', 'standard_error', 'median', 'p90', 'p99', 'max', 'same_top1', 'delta_p']);
    expect(Object.keys(json.kl?.delta_p ?? {})).toEqual(['mean', 'rms', 'p01', 'p99']);
  });

  it('--max-mean-kl exits 4 when the mean KL is above it, or when no position could be compared', async () => {
    const [a, b] = ['samples/kl-reference.jsonl', 'samples/kl-candidate.jsonl'];
    expect((await runCli(['compare', a, b, '--kl', '--max-mean-kl', '0.05'])).code).toBe(EXIT.OK);
    const gate = await runCli(['compare', a, b, '--kl', '--max-mean-kl', '0.04']);
    expect(gate.code).toBe(EXIT.THRESHOLD);
    // The sample's mean KL is 0.04117183849547881 (samples.expected.json).
    expect(gate.stderr).toMatch(/threshold crossed: --max-mean-kl 0\.04: the mean KL is 0\.041171838495478\d* nats over 15 positions/);
    const bound = await runCli(['compare', side('topk', 'a'), side('topk', 'b'), '--kl', '--max-mean-kl', '0.1']);
    expect(bound.stderr).toMatch(/the mean KL is 0\.6191\d+ nats \(a lower bound: top-k positions\) over 5 positions/);
    const none = await runCli(['compare', side('plain', 'a'), side('plain', 'b'), '--kl', '--max-mean-kl', '1']);
    expect(none.code).toBe(EXIT.THRESHOLD);
    expect(none.stderr).toMatch(/--max-mean-kl 1: no position could be compared/);
    expect((await runCli(['compare', a, b, '--max-mean-kl', '0.1'])).stderr).toMatch(/`--max-mean-kl` needs `--kl`/);
    expect((await runCli(['compare', a, b, '--kl', '--max-mean-kl', '-1'])).stderr).toMatch(/`--max-mean-kl` to be a number of nats from 0 and up/);
  });

  it('runs from a compare pipeline with "kl": true and its max_mean_kl gate', async () => {
    const pipeline = join(dir, 'kl-pipeline.json');
    const out = join(dir, 'kl-pipeline.json.out');
    writeFileSync(
      pipeline,
      JSON.stringify({ mode: 'compare', source: { paths: ['samples/kl-reference.jsonl', 'samples/kl-candidate.jsonl'] }, kl: true, thresholds: { max_mean_kl: 0.04 }, outputs: [{ type: 'json', path: out }] }),
    );
    const run = await runCli(['run', pipeline]);
    expect(run.code).toBe(EXIT.THRESHOLD);
    expect(run.stderr).toMatch(/--max-mean-kl 0\.04: the mean KL is 0\.0411/);
    expect((JSON.parse(readFileSync(out, 'utf8')) as CompareReport).kl?.positions).toBe(15);
  });

  it('prints for the README\'s sample pair what the README shows, and --help lists --kl', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('\n### Is my quantized model the same?\n');
    expect(start).toBeGreaterThan(-1);
    const recipe = readme.slice(start, readme.indexOf('\n## ', start));
    const command = 'npx xent compare samples/kl-reference.jsonl samples/kl-candidate.jsonl --kl';
    expect(recipe).toContain(`\`\`\`sh\n${command}\n\`\`\``);
    const shown = /```text\n([\s\S]*?)```/.exec(recipe.slice(recipe.indexOf(command)))?.[1];
    const run = await runCli(command.split(' ').slice(2));
    expect(run.code).toBe(0);
    expect(shown).toBe(run.stdout);
    const help = await spawnCli(['compare', '--help']);
    expect(help.stdout).toMatch(/--kl\s+Also compare the distributions position by position/);
  });

  it('without --kl prints byte for byte what compare printed before --kl existed (text, JSON, Markdown, HTML)', async () => {
    // The goldens were written by this branch's parent commit: node dist/cli/bin.js compare plain-a.jsonl plain-b.jsonl
    // [--json | --markdown --html F], run from the repository root with the relative paths below.
    const a = 'test/fixtures/compare-kl/plain-a.jsonl';
    const b = 'test/fixtures/compare-kl/plain-b.jsonl';
    const golden = (ext: string) => readFileSync(join(fixtures, `plain.golden.${ext}`), 'utf8').replace('"xent_version": "0.1.0"', `"xent_version": "${XENT_VERSION}"`);
    expect(process.cwd()).toBe(repoRoot);
    expect((await runCli(['compare', a, b])).stdout).toBe(golden('txt'));
    expect((await runCli(['compare', a, b, '--json'])).stdout).toBe(golden('json'));
    const html = join(dir, 'plain.html');
    expect((await runCli(['compare', a, b, '--markdown', '--html', html])).stdout).toBe(golden('md'));
    expect(readFileSync(html, 'utf8')).toBe(golden('html'));
  });
});
