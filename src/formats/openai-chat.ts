import type { DecodeContext, FormatAdapter } from './adapter.js';
import { RecordError } from '../errors.js';
import { decodeChatResponse, looksLikeChatCompletion } from './openai-logprobs.js';
import { isRecord, recordId } from './record-fields.js';
import { looksLikeStrippedChatDump } from './chat-dump-shape.js';
import { togetherAdapter } from './together.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';

/** The helper that turns one `{content, refusal}` logprobs object into a TokenBatch (shared with the batch, chunk and vllm adapters). */
export { chatLogprobsToBatch } from './openai-logprobs.js';

/**
 * OpenAI Chat Completions response (`object: "chat.completion"`): one sequence per choice, scored
 * from `choices[].logprobs.content` and then `choices[].logprobs.refusal`. `logprobs: null` gives
 * an empty batch so the sequence is still seen. A response with vLLM's `prompt_logprobs` is left
 * to the vllm adapter.
 */
export const openAiChatAdapter: FormatAdapter = {
  name: 'openai-chat',
  description: 'OpenAI Chat Completions responses (choices[].logprobs.content / .refusal, with top_logprobs and bytes)',
  detect(record: unknown): boolean {
    if (!looksLikeChatCompletion(record) && !looksLikeStrippedChatDump(record)) return false;
    if (togetherAdapter.detect(record)) return false;
    return !(isRecord(record) && record.prompt_logprobs !== undefined && record.prompt_logprobs !== null);
  },
  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a chat completion must be an object, got ${describe(record)}`);
    return decodeChatResponse(record, recordId(record.id, context.fallbackId), '', context.detail);
  },
};
