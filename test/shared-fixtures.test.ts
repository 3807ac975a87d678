import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate.js';
import { sharedFixture } from './helpers/shared-fixture.js';

/** The real recorded dumps in ../shared/fixtures, end to end through the CLI's own path. */
describe('shared real-world fixtures through evaluate()', () => {
  const sse = sharedFixture('openai-sse/gpt-4o-chat-stream-logprobs.sse', 'real OpenAI SSE stream');
  it.skipIf(!sse.present)('a real gpt-4o SSE stream: 2 tokens, 4 bytes, one sequence', async () => {
    const report = await evaluate([sse.path]);
    expect(report.corpus.sequences).toBe(1);
    expect(report.corpus.tokens).toBe(2);
    // python3 -c "import math; print(repr(math.fsum([0.0025094282, 0.26638845])))" → 0.2688978782
    expect(report.corpus.nll).toBe(0.2688978782);
    expect(report.corpus.bytes).toBe(4);
    expect(report.bad_records.count).toBe(0);
    expect(report.formats).toEqual({ 'openai-chat-chunk': 5 });
  });

  const tgi = sharedFixture('tgi', 'real TGI responses');
  it.skipIf(!tgi.present)('all 46 folders of real TGI responses read with no bad record', async () => {
    const report = await evaluate([tgi.path]);
    expect(report.files.length).toBeGreaterThanOrEqual(100);
    expect(report.files.every((f) => f.status === 'ok')).toBe(true);
    expect(report.bad_records).toEqual({ count: 0, examples: [] });
    expect(report.corpus.tokens).toBeGreaterThan(1000);
    expect(report.corpus.unscored).toBeGreaterThan(0);
  });
});
