import { describe, expect, it } from 'vitest';
import { openAiChatChunkAdapter } from '../../src/formats/openai-chat-chunk.js';
import { openAiChatAdapter } from '../../src/formats/openai-chat.js';
import { togetherAdapter } from '../../src/formats/together.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { expectRecordError } from '../helpers/expect-record-error.js';

const ctx = { fallbackId: 't.jsonl:1' };

function together(logprobs: unknown) {
  return {
    id: 'nr-1',
    object: 'chat.completion',
    model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
    choices: [{ index: 0, logprobs, finish_reason: 'length', message: { role: 'assistant', content: 'New York' } }],
  };
}

describe('together adapter', () => {
  const record = together({ tokens: ['New', ' York'], token_logprobs: [-0.5, -0.25], token_ids: [1, 2], top_logprobs: [{ New: -0.5 }, { ' York': -0.25 }] });

  it('reads Completions-style arrays inside a chat choice as that choice’s completion tokens', () => {
    expect(togetherAdapter.detect(record)).toBe(true);
    expect(openAiChatAdapter.detect(record)).toBe(false);
    const [batch] = asTokenBatches(togetherAdapter.decode(record, ctx));
    expect(batch?.sequenceId).toBe('nr-1');
    expect(batch?.segment).toBe('completion');
    expect(batch?.final).toBe(true);
    expect([...(batch?.logprobs ?? [])]).toEqual([-0.5, -0.25]);
    expect([...(batch?.topK?.k ?? [])]).toEqual([1, 1]);
  });

  it('forced as openai-chat, the record is bad with the reason, never 0 tokens', () => {
    expectRecordError(() => openAiChatAdapter.decode(record, ctx), 'INVALID_RECORD', /choices\[0\]\.logprobs has `tokens`\/`token_logprobs` arrays; this is the completions shape/);
    expectRecordError(() => openAiChatAdapter.decode(together({ values: [-1] }), ctx), 'INVALID_RECORD', /choices\[0\]\.logprobs has neither content nor refusal \(keys: values\)/);
  });

  it('joins streamed chunks of that shape per id and choice, final at the finish_reason', () => {
    const chunk = (token: string, lp: number, finish: string | null) => ({
      id: 'nr-s',
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content: token }, logprobs: { tokens: [token], token_logprobs: [lp] }, finish_reason: finish }],
    });
    expect(togetherAdapter.detect(chunk('a', -1, null))).toBe(true);
    expect(openAiChatChunkAdapter.detect(chunk('a', -1, null))).toBe(false);
    const batches = [chunk('a', -1, null), chunk('b', -2, 'stop')].flatMap((c) => asTokenBatches(togetherAdapter.decode(c, ctx)));
    expect(batches.map((b) => [b.sequenceId, [...b.logprobs], b.final])).toEqual([
      ['nr-s', [-1], false],
      ['nr-s', [-2], true],
    ]);
  });

  it('rejects arrays of different lengths', () => {
    expectRecordError(() => togetherAdapter.decode(together({ tokens: ['a'], token_logprobs: [-1, -2] }), ctx), 'INVALID_RECORD', /tokens has 1 entries but .*token_logprobs has 2/);
  });
});
