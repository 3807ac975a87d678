import type { DecodeContext, FormatAdapter } from './adapter.js';
import { RecordError } from '../errors.js';
import {
  decodeChatChunk,
  decodeChatResponse,
  decodeCompletionResponse,
  type Detail,
  looksLikeChatChunk,
  looksLikeChatCompletion,
  looksLikeCompletion,
} from './openai-logprobs.js';
import { isRecord, type JsonObject, recordId } from './record-fields.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';
import { decodeVllmResponse, hasPromptLogprobs } from './vllm.js';

/**
 * OpenAI Batch API output / error file lines:
 * `{id, custom_id, response: {status_code, request_id, body}, error}`. `custom_id` names the
 * sequence (choice index rule applies); the body is a chat completion or a legacy completion
 * (or a vLLM one with prompt_logprobs, as vLLM's run_batch writes them). A line with an `error`
 * and no response, or with status_code ≥ 400, is a failed request: counted, never scored.
 */
export const openAiBatchAdapter: FormatAdapter = {
  name: 'openai-batch',
  description: 'OpenAI Batch API output lines ({custom_id, response: {status_code, body}, error}); failed requests are counted',
  detect(record: unknown): boolean {
    return isRecord(record) && typeof record.custom_id === 'string' && ('response' in record || 'error' in record);
  },
  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a Batch API line must be an object, got ${describe(record)}`);
    const baseId = recordId(record.custom_id, context.fallbackId);
    const response = record.response;
    const error = record.error;
    const hasError = error !== null && error !== undefined;
    if (response === null || response === undefined) {
      if (hasError) return [{ kind: 'failed-request', sequenceId: baseId, reason: errorReason(error) ?? 'request failed' }];
      throw new RecordError('INVALID_RECORD', 'response and error are both missing or null');
    }
    if (!isRecord(response)) throw new RecordError('INVALID_RECORD', `response is ${describe(response)}, not an object or null`);
    const status = response.status_code;
    if (status !== undefined && status !== null && (typeof status !== 'number' || !Number.isInteger(status))) {
      throw new RecordError('INVALID_RECORD', `response.status_code is ${describe(status)}, not an HTTP status code`);
    }
    const body = response.body;
    if (typeof status === 'number' && status >= 400) {
      const bodyError = isRecord(body) ? body.error : undefined;
      const reason = errorReason(bodyError) ?? errorReason(error) ?? `HTTP status ${status}`;
      return [{ kind: 'failed-request', sequenceId: baseId, reason }];
    }
    if (!isRecord(body)) throw new RecordError('INVALID_RECORD', `response.body is ${body === undefined ? 'missing' : describe(body)}, not an object`);
    return decodeBody(body, baseId, context.detail);
  },
};

function decodeBody(body: JsonObject, baseId: string, detail: Detail): ScoredItem[] {
  const path = 'response.body.';
  if (hasPromptLogprobs(body)) return decodeVllmResponse(body, baseId, path, detail);
  if (looksLikeChatCompletion(body)) return decodeChatResponse(body, baseId, path, detail);
  if (looksLikeCompletion(body)) return decodeCompletionResponse(body, baseId, path, detail);
  if (looksLikeChatChunk(body)) return decodeChatChunk(body, baseId, path, detail);
  const object = typeof body.object === 'string' ? ` (object ${JSON.stringify(body.object)})` : '';
  throw new RecordError('INVALID_RECORD', `response.body${object} is neither a chat completion nor a completion: it has no token logprobs`);
}

/** "message" when the error has one, else its code; undefined when there is nothing to say. */
function errorReason(error: unknown): string | undefined {
  if (typeof error === 'string' && error.length > 0) return error;
  if (!isRecord(error)) return undefined;
  // vLLM's run_batch may write its ErrorResponse, which nests the details under `error`
  if (isRecord(error.error)) return errorReason(error.error);
  const message = error.message;
  const code = error.code;
  const codeText = typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
  if (typeof message === 'string' && message.length > 0) return codeText === undefined ? message : `${codeText}: ${message}`;
  return codeText;
}
