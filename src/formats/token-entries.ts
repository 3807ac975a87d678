import { RecordError } from '../errors.js';
import type { DecodeContext } from './adapter.js';
import { isRecord } from './record-fields.js';
import type { Segment } from './scored-batch.js';
import { checkLogprob, describe, TokenBatchBuilder } from './token-batch-builder.js';

/**
 * Lists of `{token, logprob, bytes?, top_logprobs?: [{token, logprob, bytes?}]}` entries: the entry
 * shape OpenAI Chat Completions made common, used as-is by the OpenAI Responses API and Ollama.
 */

/** A builder that keeps alternatives when the context asks for detail. */
export function builderFor(sequenceId: string, segment: Segment, capacity: number, context: DecodeContext, what?: string): TokenBatchBuilder {
  const builder = new TokenBatchBuilder(sequenceId, segment, capacity, what);
  if (context.detail === 'full') builder.keepAlternatives();
  return builder;
}

/**
 * Adds every entry of `list` (found at `path`) to `builder`. A `null` logprob is unscored; a
 * missing one, or one of the wrong type, makes the record bad with the entry's path.
 */
export function addTokenEntries(builder: TokenBatchBuilder, list: unknown, path: string, context: DecodeContext): void {
  if (list === null || list === undefined) return;
  if (!Array.isArray(list)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(list)}, not an array`);
  const texts: string[] | undefined = context.detail === 'full' ? [] : undefined;
  const alternatives: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    const at = `${path}[${i}]`;
    if (!isRecord(entry)) throw new RecordError('INVALID_RECORD', `${at} is ${describe(entry)}, not an object`);
    if (!('logprob' in entry)) throw new RecordError('INVALID_RECORD', `${at}.logprob is missing`);
    const logprob = entry.logprob === null ? null : checkLogprob(entry.logprob, `${at}.logprob`);
    if (!builder.add(logprob)) continue;
    if (typeof entry.token === 'string') builder.setText(entry.token);
    const bytes = entry.bytes;
    if (Array.isArray(bytes)) builder.setBytes(bytes.length);
    else if (bytes !== null && bytes !== undefined) throw new RecordError('INVALID_RECORD', `${at}.bytes is ${describe(bytes)}, not an array or null`);
    const top = entry.top_logprobs;
    if (top === null || top === undefined) continue;
    if (!Array.isArray(top)) throw new RecordError('INVALID_RECORD', `${at}.top_logprobs is ${describe(top)}, not an array or null`);
    alternatives.length = 0;
    if (texts !== undefined) texts.length = 0;
    for (let j = 0; j < top.length; j++) {
      const alt: unknown = top[j];
      if (!isRecord(alt)) throw new RecordError('INVALID_RECORD', `${at}.top_logprobs[${j}] is ${describe(alt)}, not an object`);
      if (alt.logprob === null) continue;
      alternatives.push(checkLogprob(alt.logprob, `${at}.top_logprobs[${j}].logprob`));
      texts?.push(typeof alt.token === 'string' ? alt.token : '');
    }
    if (alternatives.length > 0) builder.setTopK(alternatives, texts);
  }
}

/** `base` for index 0, `base#index` for the others (as for OpenAI choices). */
export function indexedId(base: string, index: number): string {
  return index === 0 ? base : `${base}#${index}`;
}

/** "file.jsonl:12" → "file.jsonl": the part of a fallback id that names the input, not the line. */
export function sourceOf(fallbackId: string): string {
  return fallbackId.replace(/:\d+(\[\d+\])?$/, '');
}
