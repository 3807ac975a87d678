import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FormatName } from '../../src/formats/adapter.js';
import { adapters } from '../../src/formats/registry.js';
import { unknownShapeReason } from '../../src/formats/unknown-shape.js';
import { repoRoot } from '../helpers/cli.js';
import { sharedFixture } from '../helpers/shared-fixture.js';

/**
 * Detection claims a record only when its types fit: every record of every format, real or
 * sample, is claimed by exactly one adapter (so no pair of formats overlaps on it), and it is the
 * right one. Order in the registry then never decides between two claimants.
 */

/** The JSON values of a file as xent reads them: `data: ` stripped, [DONE] skipped, arrays split. */
function valuesOf(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value : [value];
  }
  const values: unknown[] = [];
  for (let line of text.split('\n')) {
    line = line.trim();
    if (line.startsWith('data:')) line = line.slice(5).trim();
    if (line === '[DONE]' || (!line.startsWith('{') && !line.startsWith('['))) continue;
    const value = JSON.parse(line) as unknown;
    values.push(...(Array.isArray(value) ? (value as unknown[]) : [value]));
  }
  return values;
}

function claimants(value: unknown): FormatName[] {
  return adapters.filter((a) => a.detect(value)).map((a) => a.name);
}

const providerFormats: Record<string, FormatName> = {
  'gemini.jsonl': 'gemini',
  'llama-cpp-new.jsonl': 'llama-cpp',
  'llama-cpp-oaichat.jsonl': 'openai-chat-chunk',
  'llama-cpp-old.jsonl': 'llama-cpp',
  'ollama.jsonl': 'ollama',
  'openai-responses-stream.jsonl': 'openai-responses-events',
  'openai-responses.jsonl': 'openai-responses',
  'sglang-stream.jsonl': 'sglang',
  'sglang.jsonl': 'sglang',
  'together.jsonl': 'together',
  'vllm-echo.jsonl': 'openai-completion',
};

const sampleFormats: Record<string, FormatName> = {
  'llama-cpp-completion.jsonl': 'llama-cpp',
  'llama-cpp-legacy.jsonl': 'llama-cpp',
  'openai-batch.jsonl': 'openai-batch',
  'openai-chat.jsonl': 'openai-chat',
  'openai-completion.jsonl': 'openai-completion',
  'openai-stream.sse': 'openai-chat-chunk',
  'samples_wikitext_2024-05-01T12-00-00.jsonl': 'lm-eval',
  'tgi-generate.json': 'tgi',
  'vllm-completions.jsonl': 'vllm',
  'xent-distributions.jsonl': 'xent-distribution',
  'xent-soft-targets.jsonl': 'xent-distribution',
  'kl-reference.jsonl': 'xent-distribution',
  'kl-candidate.jsonl': 'xent-distribution',
  'xent-labels.jsonl': 'xent-label',
  'xent-sequences.jsonl': 'xent-sequence',
  'xent-tokens.jsonl': 'xent-token',
  'gemini.jsonl': 'gemini',
  'openai-responses.jsonl': 'openai-responses',
  'openai-responses-stream.jsonl': 'openai-responses-events',
  'sglang.jsonl': 'sglang',
  'ollama.jsonl': 'ollama',
  'together.jsonl': 'together',
};

describe('format detection', () => {
  const providers = sharedFixture('providers', 'detection over the real provider fixtures');
  it.skipIf(!providers.present)('every real provider record is claimed by exactly one adapter, the right one', () => {
    const files = readdirSync(providers.path).filter((f) => f.endsWith('.jsonl'));
    for (const file of files) {
      const expected = providerFormats[file];
      expect(expected, `${file} has an expected format in this test`).toBeDefined();
      for (const value of valuesOf(join(providers.path, file))) expect(claimants(value), file).toEqual([expected]);
    }
  });

  it('every bundled sample record is claimed by exactly one adapter, the right one', () => {
    const dir = join(repoRoot, 'samples');
    const files = readdirSync(dir).filter((f) => /\.(jsonl|json|sse)$/.test(f));
    for (const file of files) {
      const expected = sampleFormats[file];
      expect(expected, `${file} has an expected format in this test`).toBeDefined();
      for (const value of valuesOf(join(dir, file))) expect(claimants(value), file).toEqual([expected]);
    }
  });

  it('every format is covered by a sample, so every pair of formats is tested on some record', () => {
    const covered = new Set(Object.values(sampleFormats));
    expect(adapters.map((a) => a.name).filter((n) => !covered.has(n))).toEqual([]);
  });

  it('shapes xent-sequence used to take by mistake are claimed by their own adapters', () => {
    expect(claimants({ model: 'llama3.2', response: 'a', done: true, logprobs: [{ token: 'a', logprob: -1 }] })).toEqual(['ollama']);
    expect(claimants({ type: 'response.output_text.delta', item_id: 'm', logprobs: [{ token: 'a', logprob: -1 }] })).toEqual(['openai-responses-events']);
    expect(claimants({ id: 'x', logprobs: [{ token: 'a', logprob: -1 }] })).toEqual([]);
    expect(claimants({ id: 'x', logprobs: [null, -1] })).toEqual(['xent-sequence']);
  });
});

describe('unknownShapeReason', () => {
  it('says what the record looked like and the closest -f values', () => {
    const reason = unknownShapeReason({ id: 'x', logprobs: [{ token: 'a', logprob: -1 }] });
    expect(reason).toBe('no known format has this shape (top-level keys: id, logprobs); closest -f values: xent-sequence');
    const choice = unknownShapeReason({ id: 'x', choices: [{ index: 0, message: {} }] });
    expect(choice).toContain('first choice: index, message');
    expect(choice).toMatch(/closest -f values: (openai-chat|together)/);
    expect(unknownShapeReason({ zzz: 1 })).toBe('no known format has this shape (top-level keys: zzz)');
    expect(unknownShapeReason([1])).toMatch(/an array, not an object/);
  });
});
