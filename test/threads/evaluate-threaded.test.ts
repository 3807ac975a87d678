import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CorpusAccumulator } from '../../src/aggregate/corpus-accumulator.js';
import { evaluate } from '../../src/evaluate.js';
import { planUnits } from '../../src/threads/plan-units.js';
import { scoreUnit } from '../../src/threads/score-unit.js';
import type { UnitOptions } from '../../src/threads/work-unit.js';
import { unitReadBytes } from '../../src/threads/unit-read-bytes.js';
import { tempDir } from '../helpers/temp-dir.js';
import { firstDifference } from '../fast/outcomes.js';
import { singleReport, threadedReport, wholeRecordLines, write } from './threaded-corpus.js';

/**
 * Threaded runs (units read in-process by the code a worker runs, so that every branch can be
 * driven with small files) against single-threaded ones: the same report to the last bit.
 */
const dir = tempDir('xent-threads-');

describe('evaluateThreaded', () => {
  it('gives the single-threaded report for a file cut into many ranges (bad records, ids from line numbers)', async () => {
    const file = write(dir, 'whole.jsonl', wholeRecordLines(21, 3000));
    const single = await singleReport([file]);
    expect(single.bad_records.count).toBeGreaterThan(20);
    for (const threads of [2, 3, 7]) {
      const { report, runner } = await threadedReport([file], threads, 1024);
      expect(firstDifference(report, single), `threads ${threads}`).toBeUndefined();
      // It did cut the file, and read some ranges again from their true first line.
      expect(runner.ran.filter((u) => u.end !== undefined && u.start > 0).length).toBeGreaterThanOrEqual(threads - 1);
      expect(runner.ran.some((u) => u.start > 0 && u.lineExact)).toBe(true);
    }
  });

  it('gives the single-threaded report under every report option', async () => {
    const file = write(dir, 'options.jsonl', wholeRecordLines(22, 1500));
    for (const options of [{ segment: 'prompt' }, { sentinels: 'exclude', vocabSize: 50 }, { perSequence: true }, { fastPath: false }] as const) {
      const { report } = await threadedReport([file], 3, 1024, options);
      expect(firstDifference(report, await singleReport([file], options)), JSON.stringify(options)).toBeUndefined();
    }
  });

  it('gives the single-threaded report whatever the units\' read size (lines cut across reads)', async () => {
    const file = write(dir, 'reads.jsonl', wholeRecordLines(23, 1500));
    const single = await singleReport([file]);
    for (const readBytes of [7, 100, 4096, unitReadBytes(4)]) {
      const { report } = await threadedReport([file], 3, 1024, {}, readBytes);
      expect(firstDifference(report, single), `readBytes ${readBytes}`).toBeUndefined();
    }
  });

  it('reads a file again as one unit when a sequence spans records across a cut', async () => {
    // Whole sequences first, past the 1 MB that planning looks at (so the file looks cuttable),
    // then one sequence in one-token lines across the middle of the file, then whole ones again.
    const head = wholeRecordLines(23, 5000);
    const spanning = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ sequence_id: 'long', logprob: -(i % 7) / 3 - 0.1 }));
    const file = write(dir, 'spanning.jsonl', [...head, ...spanning, ...wholeRecordLines(24, 5000)]);
    const single = await singleReport([file]);
    const { report, runner } = await threadedReport([file], 4, 1024);
    expect(firstDifference(report, single)).toBeUndefined();
    expect(runner.ran.some((u) => u.end === undefined)).toBe(true);

    // The broken control: merging the ranges as they are splits "long" into pieces.
    const options: UnitOptions = { accumulator: new CorpusAccumulator().options, format: 'auto', framing: 'auto', fastPath: true };
    const [plan] = await planUnits([file], 4, options, 1024);
    const merged = new CorpusAccumulator();
    for (const unit of plan?.units ?? []) {
      const result = await scoreUnit(unit, options);
      const part = CorpusAccumulator.fromJSON(result.state as NonNullable<typeof result.state>);
      part.finish();
      merged.merge(part);
    }
    expect((plan?.units.length ?? 0) > 1).toBe(true);
    expect(merged.sequences).toBeGreaterThan(single.corpus.sequences);
  });

  it('does not cut files of streaming chunks or one-token lines, nor gzip files', async () => {
    const tokens = write(dir, 'tokens.jsonl', Array.from({ length: 3000 }, (_, i) => JSON.stringify({ sequence_id: `s${i % 5}`, logprob: -i / 3000 })));
    const gz = write(dir, 'whole.jsonl.gz', wholeRecordLines(25, 2000), true);
    const { report, runner } = await threadedReport([tokens, gz], 4, 1024);
    expect(firstDifference(report, await singleReport([tokens, gz]))).toBeUndefined();
    expect(runner.ran.every((u) => u.end === undefined)).toBe(true);
  });

  it('reads an input again as one unit when the mean of sequence perplexities overflows (its log-sum-exp depends on order)', async () => {
    // A few sequences past exp's range (cross-entropy above ~709.78) among many ordinary ones:
    // the direct sum overflows, the mean stays finite.
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `s${i}`, logprobs: i % 500 === 7 ? [-709.9 - (i % 13) / 7] : [-(i % 5) / 3 - 0.5] }));
    const file = write(dir, 'overflow.jsonl', lines);
    const single = await singleReport([file]);
    expect(Number.isFinite(single.corpus.mean_sequence_perplexity)).toBe(true);
    const { report, runner } = await threadedReport([file], 3, 1024);
    expect(firstDifference(report, single)).toBeUndefined();
    expect(runner.ran.some((u) => u.end === undefined)).toBe(true);
  });

  it('is asked for with `threads`: a number from 1 up, or auto', async () => {
    const file = write(dir, 'tiny.jsonl', wholeRecordLines(29, 5));
    for (const threads of [0, 1.5, -2]) {
      await expect(evaluate([file], { threads })).rejects.toThrow(`Expected \`threads\` to be an integer from 1 and up or "auto", got ${threads}`);
    }
    expect((await evaluate([file], { threads: 'auto' })).corpus.records).toBeGreaterThan(0);
  });

  it('keeps stdin and unreadable inputs on the main thread, in input order', async () => {
    const a = write(dir, 'a.jsonl', wholeRecordLines(26, 800));
    const b = write(dir, 'b.jsonl', wholeRecordLines(27, 800));
    const stdinText = `${wholeRecordLines(28, 300).join('\n')}\n`;
    const inputs = [a, '-', `${dir}/missing.jsonl`, b];
    const { report } = await threadedReport(inputs, 2, 1024, { stdin: Readable.from([stdinText]) });
    const single = await singleReport(inputs, { stdin: Readable.from([stdinText]) });
    expect(report.files.map((f) => [f.file, f.status])).toEqual(single.files.map((f) => [f.file, f.status]));
    expect(firstDifference(report, single)).toBeUndefined();
  });
});
