import { XentError } from '../errors.js';
import { UsageError } from './usage-error.js';

/**
 * The checks the command-line settings share. Each quotes the option as it was typed (`--top`), and throws a
 * UsageError: a mistake in how xent was called (exit 1, "Run xent --help for usage.").
 */

/** An integer from `min` and up; `optional` lets it be absent. */
export function expectInteger(name: string, value: unknown, min: number, optional = false): void {
  if (optional && value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < min) {
    throw new UsageError(`Expected \`--${name}\` to be an integer from ${min} and up, got ${String(value)}`);
  }
}

/** Runs a check written for the library (it throws XentError INVALID_OPTION) and reports its failure as a usage error. */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof XentError && error.code === 'INVALID_OPTION') throw new UsageError(error.message);
    throw error;
  }
}
