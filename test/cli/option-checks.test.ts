import { describe, expect, it } from 'vitest';
import { asUsage, expectInteger } from '../../src/cli/option-checks.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { XentError } from '../../src/errors.js';

describe('option-checks', () => {
  it('expectInteger quotes the option and the value, and lets an optional one be absent', () => {
    expect(() => expectInteger('top', 3, 0)).not.toThrow();
    expect(() => expectInteger('top', undefined, 0, true)).not.toThrow();
    expect(() => expectInteger('top', undefined, 0)).toThrow(new UsageError('Expected `--top` to be an integer from 0 and up, got undefined'));
    expect(() => expectInteger('bootstrap', 9, 10)).toThrow(new UsageError('Expected `--bootstrap` to be an integer from 10 and up, got 9'));
    expect(() => expectInteger('window', 2.5, 1, true)).toThrow(UsageError);
  });

  it('asUsage shows a library check failure as a usage error, and lets anything else through unchanged', () => {
    expect(asUsage(() => 7)).toBe(7);
    const bad = (): never => {
      throw new XentError('INVALID_OPTION', 'Expected `--threads` to be …');
    };
    expect(() => asUsage(bad)).toThrow(new UsageError('Expected `--threads` to be …'));
    const other = new XentError('INPUT_NOT_FOUND', 'no input files found');
    expect(() =>
      asUsage(() => {
        throw other;
      }),
    ).toThrow(other);
  });
});
