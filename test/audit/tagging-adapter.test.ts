import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TaggingAdapter } from '../../src/audit/tagging-adapter.js';
import type { ScoredItem } from '../../src/formats/scored-batch.js';
import { parseJsonLenient } from '../../src/records/lenient-json.js';

/** Every record of the JSONL samples (some list top-k alternatives, some do not), and two flat ones. */
const samples = join(import.meta.dirname, '..', '..', 'samples');
const records: unknown[] = [
  ...readdirSync(samples)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(samples, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map((l) => parseJsonLenient(l)),
  { id: 'plain', tokens: ['a', 'b'], logprobs: [-1, -2] },
  { id: 'listed', tokens: ['a', 'b'], logprobs: [-1, -2], top_logprobs: [[-1, -3], null] },
];

/** The items, or the message of what was thrown. */
function decodeOrError(adapter: TaggingAdapter, record: unknown): ScoredItem[] | string {
  try {
    return adapter.decode(record, { fallbackId: 'x.jsonl:1' });
  } catch (error) {
    return (error as Error).message;
  }
}

/** Items less their alternatives (what a decode without detail gives). */
function withoutAlternatives(items: ScoredItem[] | string): ScoredItem[] | string {
  if (typeof items === 'string') return items;
  return items.map((item) => {
    if (item.kind !== 'tokens') return item;
    const { alternatives: _alternatives, ...rest } = item;
    return rest;
  });
}

const listsTopK = (items: ScoredItem[] | string): boolean => typeof items !== 'string' && items.some((i) => i.kind === 'tokens' && i.topK !== undefined);

describe('TaggingAdapter', () => {
  it("with detail 'alternatives', gives the detailed items of every record that lists top-k, in any order", () => {
    expect(records.filter((r) => listsTopK(decodeOrError(new TaggingAdapter({ detail: 'all' }), r))).length).toBeGreaterThan(3);
    fc.assert(
      fc.property(fc.array(fc.nat(records.length - 1), { minLength: 1, maxLength: 40 }), (order) => {
        const adapter = new TaggingAdapter({ detail: 'alternatives' });
        for (const index of order) {
          const record = records[index];
          const detailed = decodeOrError(new TaggingAdapter({ detail: 'all' }), record);
          const got = decodeOrError(adapter, record);
          // Without top-k, the detailed items only add alternatives that are all empty: either is right.
          if (listsTopK(detailed)) expect(got, `record ${index}`).toEqual(detailed);
          else expect([detailed, withoutAlternatives(detailed)], `record ${index}`).toContainEqual(got);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decodes records without top-k without detail, once the last record of their format had none', () => {
    const adapter = new TaggingAdapter({ detail: 'alternatives' });
    const decode = (record: unknown) => adapter.decode(record, { fallbackId: 'x' })[0];
    const plain = { id: 'p', logprobs: [-1, -2] };
    const listed = decode({ id: 'l', logprobs: [-1, -2], top_logprobs: [[-1, -3], null] });
    expect(listed?.kind === 'tokens' && listed.alternatives?.logprobs.map((a) => Array.from(a))).toEqual([[-1, -3], []]);
    decode(plain); // the guess from the listed record: detailed, all empty
    expect(decode(plain)).not.toHaveProperty('alternatives');
    expect(decode(plain)).not.toHaveProperty('alternatives');
  });

  it('tags a record with its --group-by value, and gives no tags without the option', () => {
    const grouped = new TaggingAdapter({ groupBy: ['model'], detail: 'alternatives' });
    const items = grouped.decode({ id: 'a', model: '__proto__', logprobs: [-1] }, { fallbackId: 'x' });
    expect(grouped.tagsOf(items)).toEqual({ group: '__proto__' });
    const plain = new TaggingAdapter({ detail: 'alternatives' });
    expect(plain.tagsOf(plain.decode({ id: 'a', model: 'm', logprobs: [-1] }, { fallbackId: 'x' }))).toEqual({});
  });
});
