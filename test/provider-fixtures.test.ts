import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/evaluate.js';
import { runCli } from './helpers/cli.js';
import { sharedFixture } from './helpers/shared-fixture.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * The real provider responses in ../shared/fixtures/providers, through the CLI's own path
 * (`xent report --json --segment completion FILE`). Every figure is a hand computation with
 * python3 math.fsum over the file's completion logprobs, written beside it.
 */
const cases: { file: string; format: Record<string, number>; sequences: number; tokens: number; nll: number; how: string }[] = [
  // 50 chosenCandidates; fsum/50 = -0.046663964452819603 vs avgLogprobs -0.04666396617889404 (float32)
  { file: 'gemini.jsonl', format: { gemini: 1 }, sequences: 1, tokens: 50, nll: 2.33319822264098, how: '-fsum(c["logProbability"] for c in chosenCandidates)' },
  { file: 'ollama.jsonl', format: { ollama: 1 }, sequences: 1, tokens: 1, nll: 0.0820460096001625, how: '-fsum(e["logprob"] for e in logprobs)' },
  { file: 'openai-responses.jsonl', format: { 'openai-responses': 1 }, sequences: 1, tokens: 1, nll: 2.9266366958618164, how: 'the one output_text logprob' },
  // 9 events; only the delta is scored: the done, output_item.done and completed events repeat it
  { file: 'openai-responses-stream.jsonl', format: { 'openai-responses-events': 9 }, sequences: 1, tokens: 1, nll: 2.9266366958618164, how: 'the delta event’s one logprob' },
  // line 1: 6 output tuples; line 2 (a batch array of one answer): 1
  { file: 'sglang.jsonl', format: { sglang: 2 }, sequences: 2, tokens: 7, nll: 3.7777183884754777, how: '-fsum(t[0] for t in output_token_logprobs), both lines' },
  { file: 'together.jsonl', format: { together: 1 }, sequences: 1, tokens: 10, nll: 3.504518637558, how: '-fsum(choices[0].logprobs.token_logprobs)' },
  // the old regression shapes, as before this change
  { file: 'vllm-echo.jsonl', format: { 'openai-completion': 2 }, sequences: 2, tokens: 16, nll: 77.39773380756378, how: '-fsum(token_logprobs[1:]) over both lines' },
];

describe('real provider responses (report --segment completion)', () => {
  for (const c of cases) {
    const fixture = sharedFixture(`providers/${c.file}`, `provider fixture ${c.file}`);
    it.skipIf(!fixture.present)(`${c.file}: ${c.tokens} completion tokens, NLL ${c.nll} (${c.how})`, async () => {
      const { code, stdout } = await runCli(['report', fixture.path, '--json', '--segment', 'completion', '--strict']);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as { corpus: Record<string, number>; formats: Record<string, number>; bad_records: { count: number } };
      expect(report.formats).toEqual(c.format);
      expect(report.bad_records.count).toBe(0);
      expect(report.corpus.sequences).toBe(c.sequences);
      expect(report.corpus.tokens).toBe(c.tokens);
      expect(Math.abs((report.corpus.nll ?? Number.NaN) - c.nll)).toBeLessThanOrEqual(1e-13 * c.nll);
    });
  }

  const stream = sharedFixture('providers/sglang-stream.jsonl', 'provider fixture sglang-stream.jsonl');
  it.skipIf(!stream.present)('sglang-stream.jsonl: a chunk before the last (finish_reason null) is claimed but not scored', async () => {
    const report = await evaluate([stream.path], { segment: 'completion' });
    expect(report.formats).toEqual({ sglang: 1 });
    expect(report.corpus.tokens).toBe(0);
    expect(report.bad_records.count).toBe(0);
  });
});

describe('no silent loss', () => {
  const dir = tempDir();
  const together = sharedFixture('providers/together.jsonl', 'no silent loss: Together forced as openai-chat');

  it.skipIf(!together.present)('Together forced as openai-chat is a counted bad record with the reason, and --strict exits 3', async () => {
    const { code, stdout, stderr } = await runCli(['report', together.path, '--json', '-f', 'openai-chat', '--strict']);
    expect(code).toBe(3);
    expect(stderr).toMatch(/--strict: 1 bad record/);
    const report = JSON.parse(stdout) as { corpus: { tokens: number }; bad_records: { count: number; examples: { reason: string; line: number }[] } };
    expect(report.corpus.tokens).toBe(0);
    expect(report.bad_records.count).toBe(1);
    expect(report.bad_records.examples[0]?.reason).toMatch(/choices\[0\]\.logprobs has `tokens`\/`token_logprobs` arrays; this is the completions shape/);
  });

  it('a stripped chat dump is read; an unknown shape names the closest -f values', async () => {
    const file = join(dir, 'stripped.jsonl');
    const stripped = { id: 'chatcmpl-9', model: 'gpt-4o', choices: [{ index: 0, logprobs: { content: [{ token: 'Hi', logprob: -0.5, bytes: [72, 105], top_logprobs: [] }] } }] };
    writeFileSync(file, `${JSON.stringify(stripped)}\n${JSON.stringify({ id: 'x', logprobs: [{ token: 'a', logprob: -1 }] })}\n`);
    const { code, stdout } = await runCli(['report', file, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { corpus: { tokens: number; nll: number }; formats: Record<string, number>; bad_records: { examples: { code: string; reason: string }[] } };
    expect(report.formats['openai-chat']).toBe(1);
    expect(report.corpus.tokens).toBe(1);
    expect(report.corpus.nll).toBe(0.5);
    expect(report.bad_records.examples[0]?.code).toBe('UNKNOWN_FORMAT');
    expect(report.bad_records.examples[0]?.reason).toMatch(/top-level keys: id, logprobs\); closest -f values: xent-sequence/);
  });
});
