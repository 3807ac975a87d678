import fc from 'fast-check';
import { expect } from 'vitest';
import { RecordError } from '../../src/errors.js';
import type { FormatAdapter } from '../../src/formats/adapter.js';

/**
 * Property over the values records draws (1000 runs): detect never throws, and decode returns or
 * throws a RecordError, never a TypeError. Then detect on a few odd values, which must not throw.
 */
export function expectRobustAdapter(adapter: FormatAdapter, records: fc.Arbitrary<unknown>): void {
  fc.assert(
    fc.property(records, (value) => {
      adapter.detect(value);
      try {
        adapter.decode(value, { fallbackId: 'p.jsonl:1' });
      } catch (error) {
        if (!(error instanceof RecordError)) throw error;
      }
    }),
    { numRuns: 1000 },
  );
  for (const odd of [null, undefined, 0, -1, '', 'x', [], [1], {}, true, Number.NaN]) expect(() => adapter.detect(odd)).not.toThrow();
}
