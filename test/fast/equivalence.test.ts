import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, type EvaluateOptions } from '../../src/evaluate.js';
import { adapterByName } from '../../src/formats/registry.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fuzzLines } from './fuzz-corpus.js';
import { firstDifference, outcomesOf } from './outcomes.js';

/**
 * The fast path against the full parser (`fastPath: false`, the LineSplitter → RecordDecoder →
 * BatchDecoder pipeline): the same outcome for every record — same tokens, same numbers to the
 * bit, same bad records with the same reasons — and the same report, on every fixture, every
 * sample and a seeded fuzz corpus.
 */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'reference' ? [] : filesUnder(path);
    return /\.(jsonl|json|sse|ndjson)(\.gz)?$/.test(name) ? [path] : [];
  });
}

const inputs = [...filesUnder(join(repoRoot, 'test', 'fixtures')), ...filesUnder(join(repoRoot, 'samples'))];

async function expectSameBothWays(file: string, options: EvaluateOptions = {}): Promise<void> {
  const adapter = options.format === undefined || options.format === 'auto' ? undefined : adapterByName(options.format);
  const fast = await outcomesOf(file, { adapter, fastPath: true });
  const full = await outcomesOf(file, { adapter, fastPath: false });
  expect(firstDifference(fast, full)).toBeUndefined();
  const on = await evaluate([file], { ...options, threads: 1, fastPath: true });
  const off = await evaluate([file], { ...options, threads: 1, fastPath: false });
  expect(firstDifference(on, off)).toBeUndefined();
}

describe('fast path and full parser', () => {
  it('has fixtures and samples to compare', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(30);
  });

  for (const file of inputs) {
    it(`give the same records and report for ${file.slice(repoRoot.length + 1)}`, async () => {
      await expectSameBothWays(file);
    });
  }

  const dir = tempDir('xent-fuzz-');
  const variants: { name: string; eol: string; bom: boolean; last: boolean }[] = [
    { name: 'lf', eol: '\n', bom: false, last: true },
    { name: 'crlf', eol: '\r\n', bom: false, last: true },
    { name: 'bom-no-final-newline', eol: '\n', bom: true, last: false },
  ];
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    for (const v of variants) {
      it(`give the same records and report for fuzz corpus ${seed} (${v.name})`, async () => {
        const file = join(dir, `fuzz-${seed}-${v.name}.jsonl`);
        const text = fuzzLines(seed, 400).join(v.eol) + (v.last ? v.eol : '');
        writeFileSync(file, (v.bom ? '\ufeff' : '') + text);
        await expectSameBothWays(file);
      });
    }
  }

  for (const format of ['xent-sequence', 'openai-chat'] as const) {
    it(`give the same records and report with --input-format ${format}`, async () => {
      const file = join(dir, `forced-${format}.jsonl`);
      writeFileSync(file, `${fuzzLines(11, 400).join('\n')}\n`);
      await expectSameBothWays(file, { format });
    });
  }

  it('give the same report under every report option', async () => {
    const file = join(dir, 'options.jsonl');
    writeFileSync(file, `${fuzzLines(12, 400).join('\n')}\n`);
    for (const options of [
      { segment: 'prompt' },
      { segment: 'completion', sentinels: 'exclude' },
      { perSequence: true, vocabSize: 100 },
      { maxExamples: 1000 },
    ] as EvaluateOptions[]) {
      const on = await evaluate([file], { ...options, threads: 1, fastPath: true });
      const off = await evaluate([file], { ...options, threads: 1, fastPath: false });
      expect(firstDifference(on, off)).toBeUndefined();
    }
  });
});
