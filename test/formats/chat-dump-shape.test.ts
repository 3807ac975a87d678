import { describe, expect, it } from 'vitest';
import { looksLikeStrippedChatDump } from '../../src/formats/chat-dump-shape.js';
import { detectAdapter } from '../../src/formats/registry.js';

describe('looksLikeStrippedChatDump', () => {
  const stripped = { id: 'chatcmpl-1', model: 'gpt-4o', choices: [{ index: 0, logprobs: { content: [{ token: 'a', logprob: -1, bytes: [97], top_logprobs: [] }] } }] };

  it('takes a chat response saved without object and message for openai-chat', () => {
    expect(looksLikeStrippedChatDump(stripped)).toBe(true);
    expect(detectAdapter(stripped)?.name).toBe('openai-chat');
    expect(looksLikeStrippedChatDump({ choices: [{ logprobs: { refusal: [] } }] })).toBe(true);
  });

  it('leaves chunks, Completions choices, typed records and logprobs without content alone', () => {
    expect(looksLikeStrippedChatDump({ choices: [{ delta: {}, logprobs: { content: [] } }] })).toBe(false);
    expect(looksLikeStrippedChatDump({ choices: [{ text: 'a', logprobs: { content: [] } }] })).toBe(false);
    expect(looksLikeStrippedChatDump({ object: 'x', choices: [{ logprobs: { content: [] } }] })).toBe(false);
    expect(looksLikeStrippedChatDump({ choices: [{ logprobs: { token_logprobs: [-1] } }] })).toBe(false);
    expect(looksLikeStrippedChatDump({ choices: [{ logprobs: null }] })).toBe(false);
  });
});
