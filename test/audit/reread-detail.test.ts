import { appendFileSync, copyFileSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditGroup } from '../../src/audit/audit-group.js';
import { auditFiles, type AuditFilesOptions } from '../../src/audit/audit-files.js';
import { renderAuditMarkdown } from '../../src/audit/audit-markdown-report.js';
import { renderAuditPage } from '../../src/audit/audit-page.js';
import type { AuditReport } from '../../src/audit/audit-report.js';
import { renderAuditText } from '../../src/audit/audit-text-report.js';
import { XentError } from '../../src/errors.js';
import { toJson } from '../../src/reports/json-report.js';
import { repoRoot } from '../helpers/cli.js';
import { sharedFixture } from '../helpers/shared-fixture.js';
import { tempDir } from '../helpers/temp-dir.js';

/**
 * With a heat-map, plain files of JSON lines are audited in two passes (the fast path first, then
 * the kept sequences' lines alone: rereadDetail); `fastPath: false` audits them in today's one
 * pass, every record decoded with detail. The two must print the same bytes in every format.
 */
const dir = tempDir('xent-reread-');

/** Every output an audit can be written as, as the CLI renders it (text without colour). */
function renderings(report: AuditReport): { json: string; text: string; markdown: string; html: string } {
  return { json: `${toJson(report, 2)}\n`, text: renderAuditText(report, { color: false }), markdown: renderAuditMarkdown(report), html: renderAuditPage(report) };
}

/** Audits twice, two-pass and one-pass, and returns the two-pass report after checking that every rendering is the same. */
async function expectSameBytes(files: string[], options: AuditFilesOptions, label: string): Promise<AuditReport> {
  const twoPass = await auditFiles(files, { ...options, concurrency: 1 });
  const onePass = await auditFiles(files, { ...options, concurrency: 1, fastPath: false });
  const a = renderings(twoPass);
  const b = renderings(onePass);
  for (const type of ['json', 'text', 'markdown', 'html'] as const) expect(a[type], `${label}: ${type}`).toBe(b[type]);
  return twoPass;
}

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (statSync(path).isDirectory()) return name === 'reference' ? [] : filesUnder(path);
    return /\.(jsonl|json|sse|ndjson)(\.gz)?$/.test(name) ? [path] : [];
  });
}

const OPTIONS: AuditFilesOptions[] = [
  { top: 5, detailTokens: 200 },
  { top: 3, detailTokens: 4 },
  { top: 2, detailTokens: 1, sentinels: 'exclude', segment: 'completion' },
  { top: 4, detailTokens: 3, segment: 'prompt', rankBy: 'max-surprise' },
  { top: 2, detailTokens: 5, groupBy: 'model' },
  { top: 10, detailTokens: 50, sentinels: 'exclude' },
];

/** A flat xent-sequence line. */
const flat = (id: string, tokens: string[], logprobs: (number | null)[], extra: object = {}): string => JSON.stringify({ id, tokens, logprobs, ...extra });

/** One streamed chat chunk of sequence `id` with the given [token, logprob] entries (and one alternative each). */
function chunk(id: string, entries: [string, number][], finish: string | null = null): string {
  const content = entries.map(([token, logprob]) => ({ token, logprob, bytes: null, top_logprobs: [{ token, logprob, bytes: null }, { token: `${token}?`, logprob: logprob - 1, bytes: null }] }));
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: entries.map((e) => e[0]).join('') }, logprobs: { content }, finish_reason: finish }] })}`;
}

/** A whole chat completion (the fast path reads it) with one alternative a token. */
function chat(id: string, entries: [string, number][], model = 'gpt'): string {
  const content = entries.map(([token, logprob]) => ({ token, logprob, bytes: null, top_logprobs: [{ token, logprob, bytes: null }, { token: `${token}!`, logprob: logprob - 2, bytes: null }] }));
  return JSON.stringify({ id, object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: '' }, logprobs: { content }, finish_reason: 'stop' }] });
}

afterEach(() => vi.restoreAllMocks());

describe('the two-pass audit with a heat-map', () => {
  it('prints the bytes of the one-pass audit on every fixture and sample, under several options', async () => {
    const files = [...filesUnder(join(repoRoot, 'test', 'fixtures')), ...filesUnder(join(repoRoot, 'samples'))];
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const file of files) for (const options of OPTIONS) await expectSameBytes([file], options, `${file} ${JSON.stringify(options)}`);
  });

  it('prints the bytes of the one-pass audit on the real-world captures in ../shared/fixtures', async () => {
    const shared = sharedFixture('providers', 'two-pass audit on shared provider captures');
    const sse = sharedFixture('openai-sse', 'two-pass audit on shared SSE captures');
    if (!shared.present && !sse.present) return;
    const files = [...(shared.present ? filesUnder(shared.path) : []), ...(sse.present ? filesUnder(sse.path) : [])];
    for (const options of OPTIONS.slice(0, 3)) await expectSameBytes(files, options, `shared ${JSON.stringify(options)}`);
  });

  it('reads the kept lines again for sequences tied in the heaps, between bad records, over several files', async () => {
    const a = join(dir, 'ties-a.jsonl');
    const b = join(dir, 'ties-b.jsonl');
    // Twelve sequences share the worst and twelve the best score: the heap keeps the first offered of a tie.
    const lines = (prefix: string): string[] =>
      Array.from({ length: 40 }, (_, i) => {
        const logprobs = i % 3 === 0 ? [-5, -6, -7] : i % 3 === 1 ? [-0.25, -0.5, -0.125] : [-1, -2, -(i / 10)];
        return flat(`${prefix}${i}`, [`t${i}a`, `t${i}b`, `t${i}c`], logprobs, { top_logprobs: logprobs.map((x) => [x, x - 1]) });
      });
    const bad = ['{"id": "broken", "logprobs": [-1, ', flat('positive', ['x'], [0.5]), '{"no": "shape"}', '', '[1, 2]'];
    writeFileSync(a, `${[...lines('a').slice(0, 20), ...bad, ...lines('a').slice(20)].join('\n')}\n`);
    writeFileSync(b, `${lines('b').join('\n')}\n${bad.join('\n')}`); // no newline at the end
    const reread = vi.spyOn(AuditGroup.prototype, 'spansOf');
    for (const options of [{ top: 3, detailTokens: 2 }, { top: 7, detailTokens: 200, rankBy: 'nll' }, { top: 50, detailTokens: 200 }] as AuditFilesOptions[]) {
      const report = await expectSameBytes([a, b, a], options, `ties ${JSON.stringify(options)}`);
      expect(report.bad_records.count).toBe(15); // 5 in each of the 3 inputs: the array line gives two
      expect(report.worst[0]?.detail?.length).toBe(Math.min(3, options.detailTokens as number));
    }
    // The control: the detail above came from the second pass, not from a one-pass run in disguise.
    expect(reread.mock.results.some((r) => r.value !== undefined)).toBe(true);
  });

  it('reads CRLF lines, a BOM, streamed sequences across many lines and arrays of records on one line', async () => {
    const file = join(dir, 'crlf.jsonl');
    const stream = (id: string, n: number): string[] =>
      Array.from({ length: n }, (_, i) => chunk(id, [[`${id}-${i}`, -(i % 5) - 0.5], [`${id}+${i}`, -0.25]], i === n - 1 ? 'stop' : null));
    const lines = [
      chat('c0', [['Hi', -0.5], [' there', -3]]),
      ...stream('s1', 7).flatMap((l, i) => [l, ...(i === 2 ? [chat('c1', [['x', -9], ['y', -8]])] : [])]),
      `[${flat('arr0', ['p', 'q'], [-4, -5])}, ${flat('arr1', ['r'], [-0.1])}]`,
      ...stream('s2', 4),
      flat('seg', ['a', 'b'], [-2, -3], { segment: 'prompt' }),
      flat('seg', ['c'], [-9999], { segment: 'completion' }),
      chat('c2', [['é', -6], ['😀', -7], ['\u2028', -5]]),
      flat('sentinels', ['a', 'b', 'c', 'd'], [-1, -9999, -2, -100]),
      chunk('s3', [['u', -3], ['v', -9999]]),
      chunk('s3', [['w', -100], ['x', -4]], 'stop'),
    ];
    writeFileSync(file, `\ufeff${lines.join('\r\n')}\r\n`);
    for (const options of OPTIONS) {
      const report = await expectSameBytes([file], options, `crlf ${JSON.stringify(options)}`);
      expect(report.bad_records.count).toBe(0);
    }
    const report = await auditFiles([file], { top: 20, detailTokens: 5 });
    const s1 = report.worst.find((w) => w.id === 's1');
    expect(s1?.detail?.map((t) => t.text)).toEqual(['s1-0', 's1+0', 's1-1', 's1+1', 's1-2']);
    expect(s1?.detail?.[0]?.alternatives).toEqual([{ text: 's1-0', logprob: -0.5 }, { text: 's1-0?', logprob: -1.5 }]);
  });

  it('keeps the one-pass path for gzip, stdin and JSON documents, with the same output', async () => {
    const plain = join(dir, 'plain.jsonl');
    const text = `${Array.from({ length: 30 }, (_, i) => chat(`g${i}`, [[`w${i}`, -(i % 7) - 0.5], ['.', -1]])).join('\n')}\n`;
    writeFileSync(plain, text);
    const gz = join(dir, 'plain.jsonl.gz');
    writeFileSync(gz, gzipSync(text));
    const doc = join(dir, 'plain.json');
    writeFileSync(doc, `[\n${text.trim().split('\n').join(',\n')}\n]\n`);
    const reread = vi.spyOn(AuditGroup.prototype, 'spansOf');
    const expected = renderings(await auditFiles([plain], { top: 4, detailTokens: 3, fastPath: false })).json;
    const fromGzip = await expectSameBytes([gz], { top: 4, detailTokens: 3 }, 'gzip');
    expect(fromGzip.worst.map((w) => w.detail)).toEqual(JSON.parse(expected).worst.map((w: { detail: unknown }) => w.detail));
    await expectSameBytes([doc], { top: 4, detailTokens: 3 }, 'document');
    const { Readable } = await import('node:stream');
    const stdin = await auditFiles(['-'], { top: 4, detailTokens: 3, stdin: Readable.from([Buffer.from(text)]) });
    expect(stdin.worst.map((w) => w.detail)).toEqual(fromGzip.worst.map((w) => w.detail));
    expect(reread.mock.results.every((r) => r.value === undefined)).toBe(true);
  });
});

describe('a file that changes between the two passes', () => {
  /** A file of whole chat completions (the fast path reads them), sequence i the i-th worst. */
  function write(path: string): void {
    writeFileSync(path, `${Array.from({ length: 50 }, (_, i) => chat(`q${i}`, [[`tok${i}`, -i / 10 - 0.5], ['!', -0.25]])).join('\n')}\n`);
  }

  /**
   * Audits `path` with a heat-map, running `change` between the passes: when the second pass first
   * asks a group for the spans of its kept sequences (the first pass is over by then, its reads too).
   */
  async function auditWhile(path: string, change: () => void): Promise<AuditReport> {
    const spansOf = AuditGroup.prototype.spansOf;
    let changed = false;
    vi.spyOn(AuditGroup.prototype, 'spansOf').mockImplementation(function (this: AuditGroup, scores) {
      if (!changed) {
        changed = true;
        change();
      }
      return spansOf.call(this, scores);
    });
    try {
      return await auditFiles([path], { top: 3, detailTokens: 2 });
    } finally {
      vi.restoreAllMocks();
      expect(changed).toBe(true);
    }
  }

  it('fails with the file, line and byte when a kept line no longer gives the tokens the first pass counted', async () => {
    const file = join(dir, 'edited.jsonl');
    write(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    // Line 50 holds q49, the worst: its logprob −5.4 becomes −5.3, same length, and a line is appended.
    const edited = lines.map((l, i) => (i === 49 ? l.replace('-5.4', '-5.3') : l)).join('\n');
    const error = await auditWhile(file, () => writeFileSync(file, `${edited}${chat('late', [['z', -1]])}\n`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XentError);
    expect(error).toMatchObject({ code: 'INPUT_READ_FAILED', file, line: 50 });
    expect((error as Error).message).toContain(`${file} changed during the audit: line 50 (byte ${lines.slice(0, 49).join('\n').length + 1}) no longer holds the tokens of sequence "q49"`);
  });

  it('fails when the file was rewritten in place (same size, new time), shrank or was replaced', async () => {
    const file = join(dir, 'rewritten.jsonl');
    write(file);
    const rewrite = async (change: () => void, why: string): Promise<void> => {
      write(file);
      const error = await auditWhile(file, change).catch((e: unknown) => e);
      expect(error, why).toMatchObject({ code: 'INPUT_READ_FAILED', file });
      expect((error as Error).message, why).toContain(why);
    };
    await rewrite(() => utimesSync(file, new Date(2001, 0, 1), new Date(2001, 0, 1)), 'it was rewritten (same size, new modification time)');
    await rewrite(() => writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100)), 'shrank from');
    await rewrite(() => {
      // The same bytes under a new inode: a copy renamed over the original.
      copyFileSync(file, `${file}.copy`);
      renameSync(`${file}.copy`, file);
    }, 'it was replaced by another file');
  });

  it('reads a file that only grew (lines appended, as to a log) and gives the audit of what the first pass read', async () => {
    const file = join(dir, 'grown.jsonl');
    write(file);
    const expected = await auditFiles([file], { top: 3, detailTokens: 2, fastPath: false });
    const grown = await auditWhile(file, () => appendFileSync(file, `${chat('appended', [['late', -20]])}\n`));
    expect(toJson(grown, 2)).toBe(toJson(expected, 2));
    expect(grown.worst[0]?.detail?.map((t) => t.text)).toEqual(['tok49', '!']);
  });
});
