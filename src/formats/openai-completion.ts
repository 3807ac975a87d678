import type { DecodeContext, FormatAdapter } from './adapter.js';
import { RecordError } from '../errors.js';
import { decodeCompletionResponse, firstChoice, looksLikeCompletion } from './openai-logprobs.js';
import { isRecord, recordId } from './record-fields.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';

/**
 * OpenAI legacy Completions (`object: "text_completion"`, `choices[].logprobs.token_logprobs`),
 * whole responses or streamed pieces (final when finish_reason is set). With `echo` the first
 * token's logprob is null (unscored). Tokens are completion tokens, except that a response with
 * `usage.completion_tokens: 0` (echo with max_tokens 0) is all prompt.
 */
export const openAiCompletionAdapter: FormatAdapter = {
  name: 'openai-completion',
  description: 'OpenAI legacy Completions responses (choices[].logprobs.token_logprobs / top_logprobs; echo supported)',
  detect(record: unknown): boolean {
    if (!looksLikeCompletion(record)) return false;
    const first = firstChoice(record);
    return !(first !== undefined && first.prompt_logprobs !== undefined && first.prompt_logprobs !== null);
  },
  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a completion must be an object, got ${describe(record)}`);
    return decodeCompletionResponse(record, recordId(record.id, context.fallbackId), '', context.detail);
  },
};
