import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreShard } from '../../src/distributed/score-shard.js';
import { buildReport } from '../../src/reports/report.js';
import { mergeReportStates } from '../../src/state/report-state.js';
import type { UnitOptions } from '../../src/threads/work-unit.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const unit: UnitOptions = {
  accumulator: { segment: 'all', sentinels: 'include', keepSequences: false, maxExamples: 20 },
  format: 'auto',
  framing: 'auto',
  fastPath: true,
};

describe('scoreShard', () => {
  it('owns the lines that start inside its range: edges move to the next line start', async () => {
    const path = join(dir, 'lines.jsonl');
    // 27 bytes a line
    writeFileSync(path, '{"id":"a","logprobs":[-1]}\n{"id":"b","logprobs":[-2]}\n{"id":"c","logprobs":[-3]}\n');
    const middle = await scoreShard({ path, start: 1, end: 28 }, unit);
    expect(middle.range).toEqual({ start: 27, end: 54, size: 81, lines: 1, line_exact: false, whole_records: true, line_ids: false });
    expect(middle.accumulator.sequences).toBe(1);
    const whole = await scoreShard({ path, start: 0 }, unit);
    expect(whole.range).toBeUndefined();
    expect(whole.accumulator.sequences).toBe(3);
  });

  it('refuses a range where a sequence spanning records closes with final (its tail would count as a sequence)', async () => {
    const path = join(dir, 'final.jsonl');
    writeFileSync(
      path,
      ['{"sequence_id":"s","logprob":-1}', '{"sequence_id":"s","logprob":-2}', '{"sequence_id":"s","logprob":-3,"final":true}'].join('\n') + '\n',
    );
    // 33-byte token lines: a shard from byte 33 holds lines 2–3.
    const tail = await scoreShard({ path, start: 33 }, unit);
    expect(tail.status).toBe('failed');
    expect(tail.error).toMatch(/sequences span records and close with "final".*submit this file as one shard/);
    expect((await scoreShard({ path, start: 0 }, unit)).status).toBe('ok');
  });

  it('a range holding only the closing line looks whole on its own: the merge of the file refuses it', async () => {
    const path = join(dir, 'final2.jsonl');
    writeFileSync(path, ['{"sequence_id":"s","logprob":-1}', '{"sequence_id":"s","logprob":-2}', '{"sequence_id":"s","logprob":-3,"final":true}'].join('\n') + '\n');
    const head = await scoreShard({ path, start: 0, end: 60 }, unit);
    const tail = await scoreShard({ path, start: 60 }, unit);
    expect(tail.range?.whole_records).toBe(true);
    const settings = { segment: 'all', sentinels: 'include', vocab_size: null, max_examples: 20 } as const;
    const report = buildReport(mergeReportStates([{ name: 'x', state: { settings, files: [head, tail] } }]));
    expect(report.files[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/close with "final".*one shard/) });
    expect(report.corpus.tokens).toBe(0);
  });
});
