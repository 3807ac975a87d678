import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Evaluation } from '../../src/aggregate/evaluation.js';
import { buildReport } from '../../src/reports/report.js';
import { scoreInput } from '../../src/streams/score-input.js';
import type { RecordOutcome } from '../../src/formats/record-outcome.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

async function collect(path: string, stdin?: Readable): Promise<RecordOutcome[]> {
  const out: RecordOutcome[] = [];
  await scoreInput(path, (o) => out.push(o), { stdin });
  return out;
}

async function reportOf(chunks: Buffer[]) {
  const evaluation = new Evaluation();
  const index = evaluation.addFile('<stdin>');
  await scoreInput('-', (o) => evaluation.accept(index, o), { stdin: Readable.from(chunks) });
  evaluation.finishFile(index);
  return buildReport(evaluation);
}

// Three formats, CRLF endings, a BOM, multi-byte token text, and a bad line in the middle.
const MIXED = Buffer.from(
  '\ufeff' +
    [
      '{"id":"s1","logprobs":[-0.25,-1.5,-0.125],"tokens":["é","✓","😀"]}',
      '{"sequence_id":"t","logprob":-2}',
      'this is not json',
      '{"sequence_id":"t","logprob":-0.5,"final":true}',
      '{"label":1,"prob":0.7}',
      '',
      '{"id":"s2","logprobs":[-3,null,-9999]}',
    ].join('\r\n') +
    '\r\n',
  'utf8',
);

describe('scoreInput', () => {
  it('scores a mixed JSONL input and reports the bad line with file, line and reason', async () => {
    const report = await reportOf([MIXED]);
    const c = report.corpus;
    expect(c.sequences).toBe(3);
    // 0.25+1.5+0.125 + 2+0.5 + 3+9999
    expect(c.tokens).toBe(7);
    expect(c.nll).toBe(10006.375);
    expect(c.unscored).toBe(1);
    expect(c.sentinels['-9999']).toBe(1);
    expect(c.labels).toBe(1);
    expect(report.bad_records.count).toBe(1);
    expect(report.bad_records.examples[0]).toMatchObject({ file: '<stdin>', line: 3, code: 'INVALID_JSON' });
    expect(report.bad_records.examples[0]?.reason).toMatch(/^invalid JSON: /);
  });

  it('gives identical reports whatever the chunk sizes (inside UTF-8 characters and CRLF too)', async () => {
    const whole = JSON.stringify(await reportOf([MIXED]));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const chunks: Buffer[] = [];
        for (let pos = 0, i = 0; pos < MIXED.length; i++) {
          const size = sizes[i % sizes.length] as number;
          chunks.push(MIXED.subarray(pos, pos + size));
          pos += size;
        }
        expect(JSON.stringify(await reportOf(chunks))).toBe(whole);
      }),
      { numRuns: 60 },
    );
  });

  it('reads gzip by its magic bytes, whatever the name', async () => {
    const path = join(dir, 'dump.data');
    writeFileSync(path, gzipSync(MIXED));
    const outcomes = await collect(path);
    expect(outcomes.filter((o) => o.kind === 'scored')).toHaveLength(5);
  });

  it('streams a pretty-printed JSON array document element by element', async () => {
    const path = join(dir, 'array.json');
    writeFileSync(path, JSON.stringify([{ id: 'a', logprobs: [-1] }, { id: 'b', logprobs: [-2, -3] }], null, 2));
    const outcomes = await collect(path);
    expect(outcomes.map((o) => (o.kind === 'scored' ? o.origin.element : o.kind))).toEqual([0, 1]);
  });

  it('recognises a pretty-printed document on stdin by its first line', async () => {
    const text = JSON.stringify({ id: 'a', logprobs: [-1, -2] }, null, 2);
    const outcomes = await collect('-', Readable.from([Buffer.from(text)]));
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('scored');
  });

  it('a document that breaks part-way keeps what came before and says where it broke', async () => {
    const path = join(dir, 'broken.json');
    // 100 elements of ~50 bytes, then garbage: everything up to the last 1 KiB slice before the
    // break must still count (stream-json drops the slice it fails in).
    const elements = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: `e${i}`, logprobs: [-1, -0.5, -0.25] }));
    writeFileSync(path, `[\n${elements.join(',\n')},\n{"id": oops`);
    const outcomes = await collect(path);
    const scored = outcomes.filter((o) => o.kind === 'scored').length;
    expect(scored).toBeGreaterThanOrEqual(100 - Math.ceil(1024 / (elements[0] as string).length));
    const bad = outcomes.find((o) => o.kind === 'bad');
    expect(bad?.kind === 'bad' && bad.bad.reason).toMatch(new RegExp(`invalid JSON document after element ${scored}`));
  });

  it('reads server-sent events: data: lines, comments and [DONE]', async () => {
    const path = join(dir, 'stream.sse');
    writeFileSync(
      path,
      ': keep-alive\nevent: message\ndata: {"id":"x","logprobs":[-1]}\n\ndata: [DONE]\n\n',
    );
    const outcomes = await collect(path);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind).toBe('scored');
  });

  it('a line longer than the maximum is a bad record, and the next line still counts', async () => {
    const path = join(dir, 'long.jsonl');
    writeFileSync(path, `{"id":"a","logprobs":[-1]}\n{"id":"b","logprobs":[${'-1,'.repeat(1000)}-1]}\n{"id":"c","logprobs":[-1]}\n`);
    const outcomes: RecordOutcome[] = [];
    await scoreInput(path, (o) => outcomes.push(o), { maxLineBytes: 100 });
    expect(outcomes.map((o) => o.kind)).toEqual(['scored', 'bad', 'scored']);
    expect(outcomes[1]?.kind === 'bad' && outcomes[1].bad).toMatchObject({ line: 2, code: 'LINE_TOO_LONG' });
  });

  it('a missing file is a clear error naming it', async () => {
    await expect(collect(join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: no such file/);
  });
});
