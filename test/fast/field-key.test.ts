import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyOf, valueAtPath } from '../../src/audit/dotted-path.js';
import { FieldKeyReader, UNDECIDED } from '../../src/fast/field-key.js';

/** FieldKeyReader.read over a line as the framer hands it (a byte below 0x20 after its end). */
function fromBytes(line: string, path: string[], uniqueTopKeys = false): string | null | typeof UNDECIDED {
  const buf = Buffer.from(`${line}\n`);
  return new FieldKeyReader(path, keyOf, uniqueTopKeys).read(buf, 0, buf.length - 1);
}
const reference = (line: string, path: string[]) => keyOf(valueAtPath(JSON.parse(line), path));

describe('FieldKeyReader: a --group-by value from the bytes, as keyOf(valueAtPath(JSON.parse(line)))', () => {
  it('reads strings, numbers, literals, objects, absent and null fields, the last of duplicate keys', () => {
    const cases: [string, string[]][] = [
      ['{"id":"a","model":"gpt-4o","choices":[]}', ['model']],
      ['{"model": "caf\\u00e9 \\"x\\"" }', ['model']],
      ['{"model":1.50e1}', ['model']],
      ['{"model":-0}', ['model']],
      ['{"model":true,"x":false}', ['model']],
      ['{"model":null}', ['model']],
      ['{"other":1}', ['model']],
      ['{"model":"a","model":"b"}', ['model']],
      ['{"meta":{"x":1},"meta":{"task":"t"}}', ['meta', 'task']],
      ['{"meta":{"task":"arc","task":{"n":[1,2]}}}', ['meta', 'task']],
      ['{"meta":"flat"}', ['meta', 'task']],
      ['{"meta":null}', ['meta', 'task']],
      ['{"__proto__":"p","constructor":"c"}', ['__proto__']],
      ['{"model":"ünïcødé ✓"}', ['model']],
      [`{"model":{"long":"${'x'.repeat(300)}"}}`, ['model']],
    ];
    for (const [line, path] of cases) expect(fromBytes(line, path), line).toEqual(reference(line, path));
  });

  it('leaves to the parser what the bytes do not settle: escaped keys, arrays on the path, bad JSON', () => {
    expect(fromBytes('{"mod\\u0065l":"x"}', ['model'])).toBe(UNDECIDED);
    expect(fromBytes('{"choices":[{"index":0}]}', ['choices', '0', 'index'])).toBe(UNDECIDED);
    expect(fromBytes('{"model":"x",}', ['model'])).toBe(UNDECIDED);
    expect(fromBytes('{"model":tru}', ['model'])).toBe(UNDECIDED);
  });

  it('compares a key with invalid UTF-8 as the parser sees it (U+FFFD), not byte for byte', () => {
    const buf = Buffer.concat([Buffer.from('{"'), Buffer.from([0xff]), Buffer.from('":"x"}\n')]);
    const reader = new FieldKeyReader(['\ufffd'], keyOf);
    expect(reader.read(buf, 0, buf.length - 1)).toBe(keyOf(valueAtPath(JSON.parse(buf.toString('utf8')), ['\ufffd'])));
    expect(reader.read(buf, 0, buf.length - 1)).toBe('x');
  });

  it('property: equal to the reference on random records and paths, or undecided', () => {
    const key = fc.constantFrom('model', 'meta', 'task', 'a', '__proto__', 'é');
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 2 }),
        fc.dictionary(key, tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    let decided = 0;
    fc.assert(
      // Generated records never repeat a key, so stopping at the first top-level match (uniqueTopKeys) must agree too.
      fc.property(fc.dictionary(key, value, { maxKeys: 4 }), fc.array(key, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), (record, path, spaced, unique) => {
        const line = JSON.stringify(record, null, spaced ? 1 : undefined).replace(/\n/g, ' ');
        const got = fromBytes(line, path, unique);
        if (got === UNDECIDED) return;
        decided++;
        expect(got).toEqual(reference(line, path));
      }),
      { numRuns: 2000 },
    );
    // Most records are decided from their bytes (only arrays on the path and escaped keys are not).
    expect(decided).toBeGreaterThan(1500);
  });
});
