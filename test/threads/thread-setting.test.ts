import { describe, expect, it } from 'vitest';
import { XentError } from '../../src/errors.js';
import { threadSetting } from '../../src/threads/thread-setting.js';

describe('threadSetting: the one check of threads / --threads', () => {
  it('takes a count from 1 and up, auto, or nothing (auto), as a number or as typed on the command line', () => {
    expect(threadSetting(undefined)).toBe('auto');
    expect(threadSetting('auto')).toBe('auto');
    expect(threadSetting(1)).toBe(1);
    expect(threadSetting(3)).toBe(3);
    expect(threadSetting('12', '--threads')).toBe(12);
  });

  it('refuses anything else with one error type, quoting the option as the caller wrote it', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '0', '07', '2.0', 'two', '', null]) {
      expect(() => threadSetting(bad)).toThrow(XentError);
      expect(() => threadSetting(bad)).toThrow(`Expected \`threads\` to be an integer from 1 and up or "auto", got ${String(bad)}`);
      expect(() => threadSetting(bad, '--threads')).toThrow(`Expected \`--threads\` to be an integer from 1 and up or auto, got ${String(bad)}`);
    }
  });
});
