import { XentError } from '../errors.js';

/** How many worker threads a run asks for: a count, or `auto` (see resolveThreads). */
export type ThreadSetting = number | 'auto';

/**
 * The one check of `threads` (library) / `--threads` (command line, where it arrives as text): an integer from 1 and
 * up, or auto. `option` is the name as the caller wrote it, so the message quotes what they typed. Light on purpose:
 * the command-line parser loads it on every run.
 */
export function threadSetting(value: unknown, option: 'threads' | '--threads' = 'threads'): ThreadSetting {
  if (value === undefined || value === 'auto') return 'auto';
  const count = typeof value === 'string' && /^[1-9][0-9]*$/.test(value) ? Number(value) : value;
  if (typeof count === 'number' && Number.isInteger(count) && count >= 1) return count;
  const auto = option === '--threads' ? 'auto' : '"auto"';
  throw new XentError('INVALID_OPTION', `Expected \`${option}\` to be an integer from 1 and up or ${auto}, got ${String(value)}`);
}
