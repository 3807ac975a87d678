import { expect } from 'vitest';
import { RecordError } from '../../src/errors.js';

/** Asserts that fn throws a RecordError with this code and a message matching the pattern. */
export function expectRecordError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RecordError);
    expect((error as RecordError).code).toBe(code);
    expect((error as RecordError).message).toMatch(message);
    return;
  }
  throw new Error('expected a RecordError');
}
