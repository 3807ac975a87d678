import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import { isRecord, sequenceIdField } from './record-fields.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';
import { addTokenEntries, builderFor } from './token-entries.js';

/**
 * OpenAI Responses API stream events (`stream: true`, one SSE `data:` line each; `type` says which).
 *
 * - `response.output_text.delta` carries the new tokens' `logprobs` (entries as in Chat
 *   Completions): scored, not final. Its sequence is its `item_id`, the id of the output message:
 *   delta events carry no response id, and an item id is unique to one response and output index,
 *   so every delta of one message joins one sequence whatever lies between them.
 * - `response.output_item.done` for a message closes that sequence (an empty final batch).
 * - The message's other events (`output_item.added`, `content_part.added/done`, `output_text.done`)
 *   give an empty, open batch of its sequence; response-level events (`response.created`,
 *   `response.completed`...) give nothing. `output_text.done`, `output_item.done` and
 *   `response.completed` repeat the tokens already scored from the deltas, so they are not counted
 *   a second time; to read saved `response.completed` events alone, use `-f openai-responses`.
 */
export const openAiResponsesEventsAdapter: FormatAdapter = {
  name: 'openai-responses-events',
  description: 'OpenAI Responses API stream events (response.output_text.delta logprobs, joined per output message)',

  detect(record: unknown): boolean {
    return isRecord(record) && typeof record.type === 'string' && record.type.startsWith('response.') && !('object' in record);
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a Responses stream event must be an object, got ${describe(record)}`);
    if (record.type === 'response.output_text.delta') {
      const builder = builderFor(sequenceIdField(record.item_id, 'item_id', context.fallbackId), 'completion', 4, context, 'logprobs');
      addTokenEntries(builder, record.logprobs, 'logprobs', context);
      return [builder.build(false)];
    }
    const item = record.item;
    if (record.type === 'response.output_item.done') {
      if (!isRecord(item)) throw new RecordError('INVALID_RECORD', `item is ${describe(item)}, not an object`);
      if (item.type !== 'message') return [];
      return [builderFor(sequenceIdField(item.id, 'item.id', context.fallbackId), 'completion', 1, context).build(true)];
    }
    // Other events of a message (item added, part added or done, text done) belong to its open
    // sequence: an empty, open batch says so, where nothing at all would read as "no logprobs".
    const itemId = typeof record.item_id === 'string' ? record.item_id : isRecord(item) && item.type === 'message' && typeof item.id === 'string' ? item.id : undefined;
    if (itemId !== undefined && itemId !== '') return [builderFor(itemId, 'completion', 1, context).build(false)];
    return [];
  },
};
