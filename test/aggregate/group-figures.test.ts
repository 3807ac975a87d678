import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorpusAccumulator } from '../../src/aggregate/corpus-accumulator.js';
import { tokens } from '../helpers/batches.js';
import { exactSumReference } from '../helpers/exact-reference.js';

const origin = (line: number) => ({ file: 'f.jsonl', line, offset: 0 });
const grouped = (maxGroups: number) => new CorpusAccumulator({ maxGroups });
const figures = (acc: CorpusAccumulator) =>
  acc.groups?.entries().map(({ group, overflow, accumulator }) => ({ group, overflow, tokens: accumulator.tokens, nll: accumulator.snapshot().corpus.nll }));

describe('CorpusAccumulator with maxGroups (GroupFigures)', () => {
  it('counts each record in its group as well, the rest past the cap in one overflow group', () => {
    const acc = grouped(2);
    acc.add([tokens('a', [-0.5, -1.5])], origin(1), 'x', 'm1');
    acc.add([tokens('b', [-2])], origin(2), 'x', null);
    acc.add([tokens('c', [-1])], origin(3), 'x', 'm2');
    acc.add([tokens('d', [-0.25])], origin(4), 'x', '__proto__');
    acc.add([tokens('e', [-3])], origin(5), 'x', 'm1');
    expect(figures(acc)).toEqual([
      { group: 'm1', overflow: false, tokens: 3, nll: 5 },
      { group: null, overflow: false, tokens: 1, nll: 2 },
      { group: null, overflow: true, tokens: 2, nll: 1.25 },
    ]);
    // A record with no group given (not grouped by the caller) counts in the corpus only.
    acc.add([tokens('f', [-1])], origin(6), 'x');
    expect(acc.tokens).toBe(7);
    expect(figures(acc)?.reduce((s, g) => s + g.tokens, 0)).toBe(6);
  });

  it('has no groups without maxGroups, and a group value changes nothing there', () => {
    const acc = new CorpusAccumulator();
    acc.add([tokens('a', [-1])], origin(1), 'x', 'm1');
    expect(acc.groups).toBeUndefined();
    expect(acc.groupsToJSON()).toBeUndefined();
  });

  it('property: any split into accumulators, merged in order and through JSON, gives each group the exact sum of its logprobs', () => {
    const record = fc.record({
      group: fc.constantFrom('a', 'b', 'c', null),
      lps: fc.array(fc.double({ min: -50, max: 0, noNaN: true }), { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.array(fc.nat(40), { maxLength: 4 }), (records, cuts) => {
        const bounds = [0, ...cuts.map((c) => Math.min(c, records.length)).sort((x, y) => x - y), records.length];
        const total = grouped(10);
        for (let k = 0; k + 1 < bounds.length; k++) {
          const part = grouped(10);
          records.slice(bounds[k], bounds[k + 1]).forEach((r, i) => part.add([tokens(`s${k}-${i}`, r.lps)], origin(i + 1), 'x', r.group));
          const copy = CorpusAccumulator.fromJSON(part.toJSON(), { maxGroups: 10 });
          const saved = part.groupsToJSON();
          if (saved !== undefined) copy.restoreGroups(JSON.parse(JSON.stringify(saved)));
          total.merge(copy);
        }
        for (const g of figures(total) ?? []) {
          const lps = records.filter((r) => r.group === g.group).flatMap((r) => r.lps);
          expect(g.tokens).toBe(lps.length);
          expect(g.nll).toBe(exactSumReference(lps.map((x) => -x)));
        }
        expect(new Set(figures(total)?.map((g) => g.group))).toEqual(new Set(records.map((r) => r.group)));
      }),
    );
  });

  it('refuses a saved state of another shape, naming what is wrong', () => {
    const acc = grouped(3);
    expect(() => acc.restoreGroups({ groups: [['m1', { version: 99 }]], overflow: null } as never)).toThrow(/group "m1": accumulator state version 99/);
    expect(() => acc.restoreGroups({ groups: 'x' } as never)).toThrow(/no groups list/);
  });
});
