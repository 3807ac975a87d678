import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate.js';
import { repoRoot } from './helpers/cli.js';

/**
 * Every sample in samples/ against the numbers written beside it (samples/NAME.expected), which
 * were computed independently by the python3 scripts in samples/reference/ (stdlib, math.fsum).
 */
const dir = join(repoRoot, 'samples');
const expectations = readdirSync(dir).filter((f) => f.endsWith('.expected'));

function close(actual: number, expected: number): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= 1e-13 * Math.max(1, Math.abs(expected));
}

describe('bundled samples', () => {
  it('every sample has its expected numbers', () => {
    const samples = readdirSync(dir).filter((f) => /\.(jsonl|json|sse)$/.test(f));
    expect(samples.length).toBeGreaterThanOrEqual(12);
    for (const s of samples) expect(existsSync(join(dir, `${s}.expected`)), `${s}.expected`).toBe(true);
  });

  for (const file of expectations) {
    const sample = file.replace(/\.expected$/, '');
    it(`${sample} gives the independently computed figures`, async () => {
      const expected = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        how: string;
        corpus: Record<string, number>;
        segments?: Record<string, Record<string, number>>;
        bad_records?: number;
        failed_requests?: number;
      };
      const report = await evaluate([join(dir, sample)]);
      const corpus = report.corpus as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(expected.corpus)) {
        const actual =
          key === 'top_k_tokens' ? report.corpus.top_k?.tokens : key === 'top_k_mass_mean' ? report.corpus.top_k?.mean_mass : corpus[key];
        expect(typeof actual, `${sample}: corpus.${key}`).toBe('number');
        expect(close(actual as number, value), `${sample}: corpus.${key} = ${actual}, expected ${value}`).toBe(true);
      }
      for (const [segment, figures] of Object.entries(expected.segments ?? {})) {
        const got = report.segments[segment as 'prompt' | 'completion'] as unknown as Record<string, number> | undefined;
        for (const [key, value] of Object.entries(figures)) {
          expect(close(got?.[key] as number, value), `${sample}: segments.${segment}.${key} = ${got?.[key]}, expected ${value}`).toBe(true);
        }
      }
      expect(report.bad_records.count, `${sample}: bad records`).toBe(expected.bad_records ?? 0);
      if (expected.failed_requests !== undefined) expect(report.failed_requests.count).toBe(expected.failed_requests);
    });
  }
});
