import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import { isRecord, type JsonObject } from './record-fields.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';
import { addTokenEntries, builderFor, sourceOf } from './token-entries.js';

/**
 * Ollama native `/api/generate` (`response`) and `/api/chat` (`message.content`) answers asked with
 * `logprobs: true` (and `top_logprobs: k`):
 *
 *   {model, created_at, response | message, done, logprobs: [{token, logprob, bytes?, top_logprobs?}]}
 *
 * Generated tokens only (segment completion). Ollama gives no response id:
 * - a whole answer (`done: true` with its text) is one sequence named after its line, final;
 * - a streamed piece (`done: false`) joins the sequence `<file> ollama <model>`, not final, and the
 *   stream's last object (`done: true`, empty text) closes it, scoring any tokens it still carries.
 * Consecutive streams of one model in one file share that id; their final batches mark where one
 * ends (as for llama.cpp's slots).
 */
export const ollamaAdapter: FormatAdapter = {
  name: 'ollama',
  description: 'Ollama /api/generate and /api/chat answers and stream pieces (logprobs: [{token, logprob, top_logprobs}])',

  detect(record: unknown): boolean {
    return (
      isRecord(record) &&
      typeof record.model === 'string' &&
      typeof record.done === 'boolean' &&
      (typeof record.response === 'string' || isRecord(record.message)) &&
      !('choices' in record)
    );
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an Ollama answer must be an object, got ${describe(record)}`);
    const streamId = `${sourceOf(context.fallbackId)} ollama ${String(record.model)}`;
    const text = answerText(record);
    const done = record.done === true;
    const id = !done || text === '' ? streamId : context.fallbackId;
    const builder = builderFor(id, 'completion', Array.isArray(record.logprobs) ? record.logprobs.length : 1, context, 'logprobs');
    addTokenEntries(builder, record.logprobs, 'logprobs', context);
    return [builder.build(done)];
  },
};

function answerText(record: JsonObject): string {
  if (typeof record.response === 'string') return record.response;
  const message = record.message;
  if (isRecord(message) && typeof message.content === 'string') return message.content;
  throw new RecordError('INVALID_RECORD', `neither response nor message.content is a string (message is ${describe(message)})`);
}
