import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import { isRecord, sequenceIdField, type JsonObject } from './record-fields.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';
import { addTokenEntries, builderFor, indexedId } from './token-entries.js';

/**
 * OpenAI Responses API object (`object: "response"`, asked with
 * `include: ["message.output_text.logprobs"]` and `top_logprobs`):
 *
 *   {id, object: "response", output: [{type: "message", content: [{type: "output_text", text,
 *    logprobs: [{token, logprob, bytes?, top_logprobs: [{token, logprob, bytes?}]}]}]}]}
 *
 * One completion sequence per message in `output`: the response id, `#k` for output index k > 0
 * (the index the stream events use). Its output_text parts are joined in order; other items
 * (reasoning, tool calls) and refusal parts carry no logprobs and give nothing. Forced with
 * `-f openai-responses`, a `response.completed` stream event is read as the response it wraps.
 */
export const openAiResponsesAdapter: FormatAdapter = {
  name: 'openai-responses',
  description: 'OpenAI Responses API objects (object: "response", output[].content[].logprobs with top_logprobs)',

  detect(record: unknown): boolean {
    return isRecord(record) && record.object === 'response' && Array.isArray(record.output);
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a Responses API object must be an object, got ${describe(record)}`);
    if (typeof record.type === 'string' && isRecord(record.response)) return decodeResponse(record.response, 'response.', context);
    return decodeResponse(record, '', context);
  },
};

function decodeResponse(response: JsonObject, prefix: string, context: DecodeContext): ScoredItem[] {
  const output = response.output;
  if (!Array.isArray(output)) throw new RecordError('INVALID_RECORD', `${prefix}output is ${describe(output)}, not an array`);
  const base = sequenceIdField(response.id, `${prefix}id`, context.fallbackId);
  const items: ScoredItem[] = [];
  for (let k = 0; k < output.length; k++) {
    const item: unknown = output[k];
    const path = `${prefix}output[${k}]`;
    if (!isRecord(item)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(item)}, not an object`);
    if (item.type !== 'message') continue;
    const content = item.content;
    if (!Array.isArray(content)) throw new RecordError('INVALID_RECORD', `${path}.content is ${describe(content)}, not an array`);
    const builder = builderFor(indexedId(base, k), 'completion', 16, context, `${path} token`);
    for (let p = 0; p < content.length; p++) {
      const part: unknown = content[p];
      if (!isRecord(part)) throw new RecordError('INVALID_RECORD', `${path}.content[${p}] is ${describe(part)}, not an object`);
      if (part.type === 'output_text') addTokenEntries(builder, part.logprobs, `${path}.content[${p}].logprobs`, context);
    }
    items.push(builder.build(true));
  }
  return items;
}
