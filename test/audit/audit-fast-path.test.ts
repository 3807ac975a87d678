import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditFiles, type AuditFilesOptions } from '../../src/audit/audit-files.js';
import { TaggingAdapter } from '../../src/audit/tagging-adapter.js';
import { compareFiles } from '../../src/compare/compare-files.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fuzzLines } from '../fast/fuzz-corpus.js';
import { firstDifference } from '../fast/outcomes.js';

/**
 * Audit and compare take from the fast path only the records it reads whole for them (no tags to
 * read, no heat-map, and for the audit's top-k check no record with alternatives): the audit and
 * the comparison must be the same, to the bit, with the fast path on and off.
 */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'reference' ? [] : filesUnder(path);
    return /\.(jsonl|json|sse|ndjson)(\.gz)?$/.test(name) ? [path] : [];
  });
}

const dir = tempDir('xent-audit-fast-');
const fixtures = [...filesUnder(join(repoRoot, 'test', 'fixtures')), ...filesUnder(join(repoRoot, 'samples'))];
const fuzz = [21, 22, 23].map((seed) => {
  const file = join(dir, `fuzz-${seed}.jsonl`);
  writeFileSync(file, `${fuzzLines(seed, 400).join('\n')}\n`);
  return file;
});

async function expectSameAudit(files: string[], options: AuditFilesOptions): Promise<void> {
  const on = await auditFiles(files, { ...options, concurrency: 1, fastPath: true });
  const off = await auditFiles(files, { ...options, concurrency: 1, fastPath: false });
  expect(firstDifference(on, off)).toBeUndefined();
}

afterEach(() => vi.restoreAllMocks());

describe('audit with the fast path', () => {
  it('gives the audit of the full parser on every fixture and sample', async () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    for (const file of fixtures) await expectSameAudit([file], { top: 5 });
  });

  it('gives the audit of the full parser on fuzz corpora, under every rank, sentinel, group and heat-map option', async () => {
    for (const options of [
      { top: 10 },
      { top: 3, rankBy: 'perplexity' },
      { rankBy: 'max-surprise', sentinels: 'exclude', vocabSize: 1000 },
      { rankBy: 'entropy', segment: 'completion' },
      { segment: 'prompt', top: 0 },
      { groupBy: 'model', top: 2 },
      { groupBy: 'id', maxGroups: 5 },
      { detailTokens: 20 },
    ] as AuditFilesOptions[]) {
      await expectSameAudit(fuzz, options);
    }
  });

  it('reads most plain lines without parsing them, with the heat-map parses again only the kept lines, and a group from the bytes unless they leave it open', async () => {
    const file = join(dir, 'plain.jsonl');
    writeFileSync(file, `${Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `s${i}`, logprobs: [-1, -(i % 7) - 0.5] })).join('\n')}\n`);
    const decode = vi.spyOn(TaggingAdapter.prototype, 'decode');
    await auditFiles([file], {});
    expect(decode).not.toHaveBeenCalled();
    // The 10 worst and 10 best, each one line: read again by the second pass, and nothing else.
    await auditFiles([file], { detailTokens: 5 });
    expect(decode).toHaveBeenCalledTimes(20);
    decode.mockClear();
    await auditFiles([file], { detailTokens: 5, fastPath: false });
    expect(decode).toHaveBeenCalledTimes(200);
    decode.mockClear();
    // The group is read from the line's bytes (FieldKeyReader): no line is parsed for it…
    await auditFiles([file], { groupBy: 'id' });
    expect(decode).not.toHaveBeenCalled();
    // …but a path through an array (valueAtPath indexes arrays, the bytes reader does not) parses every line, as before.
    await auditFiles([file], { groupBy: 'logprobs.0' });
    expect(decode).toHaveBeenCalledTimes(200);
    decode.mockClear();
    await auditFiles([file], { groupBy: 'id', fastPath: false });
    expect(decode).toHaveBeenCalledTimes(200);
  });
});

/** A chat response with one content entry per [token, logprob, alternatives] (alternatives: [token, logprob][]). */
function chatLine(id: string, entries: [unknown, number, [unknown, number | null][]][], keysReversed = false): string {
  const content = entries.map(([token, logprob, alts]) => {
    const top_logprobs = alts.map(([t, lp]) => ({ token: t, logprob: lp, bytes: null }));
    return keysReversed ? { top_logprobs, bytes: null, logprob, token } : { token, logprob, bytes: null, top_logprobs };
  });
  return JSON.stringify({ id, object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: '' }, logprobs: { content }, finish_reason: 'stop' }] });
}

describe('audit with the fast path on chat responses with alternatives', () => {
  // Each line holds one token that the check flags (chosen_not_in_top_k) or not, as planted.
  const planted: [string, boolean][] = [
    [chatLine('listed', [[' the', -0.5, [[' the', -0.5], [' a', -1.5]]]]), false],
    [chatLine('missing-above', [[' cat', -0.7, [[' the', -0.5], [' a', -1.5]]]]), true],
    [chatLine('missing-below', [[' cat', -3, [[' the', -0.5], [' a', -1.5]]]]), false],
    [chatLine('keys-reversed', [[' cat', -0.7, [[' the', -0.5], [' a', -1.5]]]], true), true],
    // JSON.stringify writes "\n" escaped; the alternative below is written "\u00e9" by hand.
    [chatLine('newline', [['\n', -0.2, [['\n', -0.2], [' a', -2]]]]), false],
    [chatLine('accent', [['é', -0.3, [['é', -0.3], [' a', -2]]]]).replace('"top_logprobs":[{"token":"é"', '"top_logprobs":[{"token":"\\u00e9"'), false],
    [chatLine('accent-missing', [['é', -0.3, [['e', -0.1], [' a', -2]]]]), true],
    // Texts the check compares by logprob: an empty or non-string alternative token (full path).
    [chatLine('empty-alt', [[' cat', -0.7, [['', -0.7], [' a', -1.5]]]]), false],
    [chatLine('number-alt', [[' cat', -0.7, [[7, -0.5], [' a', -1.5]]]]), true],
    [chatLine('null-logprob-alt', [[' cat', -0.7, [[null, null], [' a', -1.5]]]]), true],
  ];
  const file = join(dir, 'planted-chat.jsonl');
  const body = `${planted.map(([line]) => line).join('\n')}\n`;
  // Two malformed UTF-8 runs (0xC3 and 0xC4 alone) both decode to U+FFFD: the same text.
  const malformed = Buffer.from(chatLine('malformed', [['\u0001', -0.4, [['\u0002', -0.4], [' a', -2]]]]).replace('\\u0001', '\u0001').replace('\\u0002', '\u0002'));
  malformed[malformed.indexOf(1)] = 0xc3;
  malformed[malformed.indexOf(2)] = 0xc4;
  writeFileSync(file, Buffer.concat([Buffer.from(body), malformed, Buffer.from('\n')]));

  it('flags exactly the planted tokens, as the full parser does', async () => {
    const on = await auditFiles([file], { top: 20, fastPath: true });
    const off = await auditFiles([file], { top: 20, fastPath: false });
    expect(firstDifference(on, off)).toBeUndefined();
    expect(on.bad_records.count).toBe(0);
    expect(on.anomalies.chosen_not_in_top_k).toBe(planted.filter(([, flagged]) => flagged).length);
  });

  it('parses only the lines whose check needs a logprob comparison', async () => {
    const decode = vi.spyOn(TaggingAdapter.prototype, 'decode');
    await auditFiles([file], {});
    // empty-alt and number-alt; null-logprob-alt's token is never compared.
    expect(decode).toHaveBeenCalledTimes(2);
  });
});

describe('compare with the fast path', () => {
  it('gives the comparison of the full parser', async () => {
    const [a, b] = fuzz as [string, string];
    const on = await compareFiles([a], [b], { partitions: 4, fastPath: true });
    const off = await compareFiles([a], [b], { partitions: 4, fastPath: false });
    expect(on.matched).toBeGreaterThan(0);
    expect(firstDifference(on, off)).toBeUndefined();
  });

  it('with --key (read from the bytes where they say) gives the comparison of the full parser', async () => {
    const [a, b] = fuzz as [string, string];
    for (const key of ['id', 'model', 'meta.prompt', 'choices.0.index']) {
      const on = await compareFiles([a], [b], { partitions: 4, key, fastPath: true });
      const off = await compareFiles([a], [b], { partitions: 4, key, fastPath: false });
      expect(firstDifference(on, off), key).toBeUndefined();
    }
    const decode = vi.spyOn(TaggingAdapter.prototype, 'decode');
    const plain = join(dir, 'keyed.jsonl');
    writeFileSync(plain, `${Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: `s${i}`, logprobs: [-1, -(i % 7) - 0.5] })).join('\n')}\n`);
    const keyed = await compareFiles([plain], [plain], { partitions: 2, key: 'id' });
    expect(keyed.matched).toBe(50);
    expect(decode).not.toHaveBeenCalled();
  });
});
