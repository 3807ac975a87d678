import { XentError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "10s", "2m", "1h", or a bare number of milliseconds → milliseconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text).trim());
  if (m === null) throw new XentError('INVALID_OPTION', `Expected \`${option}\` to be a duration like 500ms, 10s or 2m, got ${JSON.stringify(text)}`);
  const ms = Number(m[1]) * (UNITS[m[2] ?? 'ms'] as number);
  if (!(ms >= 1)) throw new XentError('INVALID_OPTION', `Expected \`${option}\` to be at least 1ms, got ${JSON.stringify(text)}`);
  return ms;
}
