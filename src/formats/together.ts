import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import {
  chatLogprobsToBatch,
  completionLogprobsToBatch,
  finishedChoice,
  firstChoice,
  forEachChoice,
  looksLikeChatChunk,
  looksLikeChatCompletion,
  sequenceIdFor,
} from './openai-logprobs.js';
import { isRecord, recordId } from './record-fields.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';

/**
 * Chat Completions responses whose choices carry the legacy Completions arrays instead of
 * `logprobs.content` (Together AI does this, and so do other OpenAI-compatible servers):
 *
 *   {object: "chat.completion", choices: [{message, logprobs: {tokens, token_logprobs,
 *    token_ids?, top_logprobs?: [{token: logprob}]}}]}
 *
 * Read as a chat response would be (one final completion sequence per choice, `id#index`), with
 * the arrays read as the Completions adapter reads them. Streamed chunks of that shape
 * (`chat.completion.chunk`) join one sequence per id and choice, final at a finish_reason. A choice in the usual `content` shape is
 * read as such, so a response mixing both is whole.
 */
export const togetherAdapter: FormatAdapter = {
  name: 'together',
  description: 'Chat Completions responses and chunks with Completions-style logprobs arrays in each choice (Together AI)',

  detect(record: unknown): boolean {
    if (!looksLikeChatCompletion(record) && !looksLikeChatChunk(record)) return false;
    const logprobs = firstChoice(record)?.logprobs;
    return isRecord(logprobs) && Array.isArray(logprobs.token_logprobs);
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a chat completion must be an object, got ${describe(record)}`);
    const base = recordId(record.id, context.fallbackId);
    const chunk = looksLikeChatChunk(record);
    const items: ScoredItem[] = [];
    forEachChoice(record, '', (choice, index, path) => {
      const logprobs = choice.logprobs;
      const id = sequenceIdFor(base, index);
      // A streamed chunk's choice ends its sequence only with a finish_reason, as in openai-chat-chunk.
      const final = chunk ? finishedChoice(choice) : true;
      items.push(
        isRecord(logprobs) && 'token_logprobs' in logprobs
          ? completionLogprobsToBatch(logprobs, id, 'completion', final, `${path}.logprobs`, 0, context.detail)
          : chatLogprobsToBatch(logprobs, id, final, `${path}.logprobs`, context.detail),
      );
    });
    return items;
  },
};
