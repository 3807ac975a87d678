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

  it('reads most plain lines without parsing them, and every line when a tag or the heat-map is asked for', async () => {
    const file = join(dir, 'plain.jsonl');
    writeFileSync(file, `${Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `s${i}`, logprobs: [-1, -(i % 7) - 0.5] })).join('\n')}\n`);
    const decode = vi.spyOn(TaggingAdapter.prototype, 'decode');
    await auditFiles([file], {});
    expect(decode).not.toHaveBeenCalled();
    await auditFiles([file], { detailTokens: 5 });
    expect(decode).toHaveBeenCalledTimes(200);
    decode.mockClear();
    await auditFiles([file], { groupBy: 'id' });
    expect(decode).toHaveBeenCalledTimes(200);
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
});
