import type { DecodeContext, FormatAdapter } from './adapter.js';
import { RecordError } from '../errors.js';
import { decodeChatChunk, looksLikeChatChunk } from './openai-logprobs.js';
import { isRecord, recordId } from './record-fields.js';
import type { ScoredItem } from './scored-batch.js';
import { togetherAdapter } from './together.js';
import { describe } from './token-batch-builder.js';

/**
 * OpenAI streaming chunks (`object: "chat.completion.chunk"`, one SSE `data:` line each). Chunks
 * with the same `id` and choice index are pieces of one sequence; a choice is final when its
 * finish_reason is set. The usage chunk (`choices: []`) gives nothing.
 */
export const openAiChatChunkAdapter: FormatAdapter = {
  name: 'openai-chat-chunk',
  description: 'OpenAI Chat Completions streaming chunks (chat.completion.chunk, joined by id and choice index)',
  detect(record: unknown): boolean {
    return looksLikeChatChunk(record) && !togetherAdapter.detect(record);
  },
  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a chat completion chunk must be an object, got ${describe(record)}`);
    return decodeChatChunk(record, recordId(record.id, context.fallbackId), '', context.detail);
  },
};
