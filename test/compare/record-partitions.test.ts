import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../src/compare/hash-partitions.js';
import { RecordPartitionReader, RecordPartitionWriter } from '../../src/compare/record-partitions.js';
import { decodeSequenceHeader, decodeSequenceRecord, encodeSequenceRecord } from '../../src/compare/sequence-record.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-record-partitions-');

/** A sequence of `n` positions of a `width`-entry row each: big enough for several write buffers. */
function sequence(id: string, n: number, width: number) {
  const positions = Array.from({ length: n }, (_, i) => ({ full: { kind: 'logits' as const, values: Array.from({ length: width }, (_, j) => i - j / 7) }, nextLogprob: -i }));
  return { id, tokens: n, nll: n, cross_entropy: 1, file: 'f', positions };
}

describe('record partitions', () => {
  it('give back every record of a partition in write order, by offset too, whatever the record sizes', async () => {
    const writer = new RecordPartitionWriter(dir, 'a', 3);
    const ids = Array.from({ length: 40 }, (_, i) => `s${i}`);
    for (const [i, id] of ids.entries()) writer.write(id, encodeSequenceRecord(sequence(id, 1 + (i % 4), i % 5 === 0 ? 20_000 : 3)));
    writer.close();
    for (let p = 0; p < 3; p++) {
      const reader = await RecordPartitionReader.open(dir, 'a', p);
      const want = ids.filter((id) => partitionOf(id, 3) === p);
      const got: string[] = [];
      for await (const record of reader.records()) got.push(decodeSequenceRecord(record).id);
      expect(got).toEqual(want);
      for await (const { offset, header } of reader.headers()) {
        const { id } = decodeSequenceHeader(header);
        const whole = decodeSequenceRecord((await reader.at(offset)) as Buffer);
        expect(whole.id).toBe(id);
        const i = Number(id.slice(1));
        expect(whole.positions).toHaveLength(1 + (i % 4));
        expect(whole.positions[0]?.full?.values.length).toBe(i % 5 === 0 ? 20_000 : 3);
        expect(whole.positions.at(-1)?.full?.values[2]).toBe(whole.positions.length - 1 - 2 / 7);
      }
      expect(await reader.at(1e9)).toBeUndefined();
      await reader.close();
    }
  });
});
