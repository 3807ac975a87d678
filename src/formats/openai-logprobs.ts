/**
 * Shared decoding for the OpenAI family (Chat Completions, streaming chunks, legacy Completions,
 * Batch API bodies, vLLM responses): ids, choices, and the two `logprobs` shapes.
 *
 * - Chat: `logprobs = {content: [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}],
 *   refusal: [...same entries]}`; refusal tokens are generated tokens of the same sequence and are
 *   scored after the content tokens.
 * - Legacy Completions: `logprobs = {tokens, token_logprobs, top_logprobs: [{token: logprob}] | null,
 *   text_offset}`; with `echo` the prompt comes first and its first entry is `null`.
 */
import { RecordError } from '../errors.js';
import { unreadableChatLogprobs } from './chat-dump-shape.js';
import type { DecodeContext } from './adapter.js';
import { isRecord, type JsonObject } from './record-fields.js';
import type { ScoredItem, Segment, TokenBatch } from './scored-batch.js';
import { describe, TokenBatchBuilder } from './token-batch-builder.js';

/** DecodeContext.detail, passed down: 'full' keeps each token's alternatives (text and logprob). */
export type Detail = DecodeContext['detail'];

/** A builder that keeps alternatives when `detail` is 'full' (as xent-sequence does); else the plain one. */
export function detailedBuilder(sequenceId: string, segment: Segment, capacity: number, detail: Detail, what?: string): TokenBatchBuilder {
  const builder = new TokenBatchBuilder(sequenceId, segment, capacity, what);
  if (detail === 'full') builder.keepAlternatives();
  return builder;
}

/** `id` for choice 0, `id#index` for the others. */
export function sequenceIdFor(baseId: string, index: number): string {
  return index === 0 ? baseId : `${baseId}#${index}`;
}

/** The first choice, when the record has a non-empty `choices` array of objects (for cheap `detect`s). */
export function firstChoice(record: unknown): JsonObject | undefined {
  if (!isRecord(record)) return undefined;
  const choices = record.choices;
  if (!Array.isArray(choices)) return undefined;
  const first: unknown = choices[0];
  return isRecord(first) ? first : undefined;
}

/** Chat Completions response (not a chunk, not a vLLM response with prompt_logprobs). */
export function looksLikeChatCompletion(record: unknown): boolean {
  if (!isRecord(record)) return false;
  if (record.object === 'chat.completion') return true;
  if (record.object !== undefined && typeof record.object === 'string' && record.object !== 'chat.completion') return false;
  const first = firstChoice(record);
  return first !== undefined && 'message' in first && !('delta' in first);
}

export function looksLikeChatChunk(record: unknown): boolean {
  if (!isRecord(record)) return false;
  if (record.object === 'chat.completion.chunk') return true;
  if (record.object !== undefined && typeof record.object === 'string') return false;
  const first = firstChoice(record);
  return first !== undefined && 'delta' in first;
}

/** Legacy Completions response or streaming piece (`object: "text_completion"`, `choices[].text`). */
export function looksLikeCompletion(record: unknown): boolean {
  if (!isRecord(record)) return false;
  if (record.object === 'text_completion') return true;
  if (record.object !== undefined && typeof record.object === 'string') return false;
  const first = firstChoice(record);
  return first !== undefined && 'text' in first && !('message' in first) && !('delta' in first);
}

/** Calls `visit` for every choice, with its index (the choice's `index`, or its position) and field path. */
export function forEachChoice(
  record: JsonObject,
  path: string,
  visit: (choice: JsonObject, index: number, choicePath: string) => void,
): void {
  const choices = record.choices;
  if (!Array.isArray(choices)) {
    throw new RecordError('INVALID_RECORD', `${path}choices is ${choices === undefined ? 'missing' : describe(choices)}, not an array`);
  }
  for (let position = 0; position < choices.length; position++) {
    const choice: unknown = choices[position];
    const choicePath = `${path}choices[${position}]`;
    if (!isRecord(choice)) throw new RecordError('INVALID_RECORD', `${choicePath} is ${describe(choice)}, not an object`);
    visit(choice, choiceIndex(choice, position, choicePath), choicePath);
  }
}

function choiceIndex(choice: JsonObject, position: number, choicePath: string): number {
  const index = choice.index;
  if (index === undefined || index === null) return position;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    throw new RecordError('INVALID_RECORD', `${choicePath}.index is ${describe(index)}, not a non-negative integer`);
  }
  return index;
}

/**
 * A logprob field: null passes (not scored); a number ≤ 0 (−Infinity included) passes; anything
 * else, or a missing field, makes the record bad with a message naming the field path.
 */
export function logprobAt(value: unknown, path: string): number | null {
  if (value === null) return null;
  if (value === undefined) throw new RecordError('INVALID_RECORD', `${path} is missing`);
  if (typeof value !== 'number') throw new RecordError('INVALID_LOGPROB', `${path} is ${describe(value)}, not a number`);
  if (Number.isNaN(value)) throw new RecordError('INVALID_LOGPROB', `${path} is NaN, not a logprob`);
  if (value > 0) throw new RecordError('INVALID_LOGPROB', `${path} is ${value}, a positive logprob (a probability above 1)`);
  return value;
}

function arrayOrNone(value: unknown, path: string): readonly unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(value)}, not an array or null`);
  return value;
}

/**
 * One Chat Completions `logprobs` object (`{content, refusal}`) as one completion TokenBatch:
 * content tokens, then refusal tokens. `null`/absent logprobs, content or refusal add nothing
 * (an empty batch still tells the accumulator the sequence exists).
 */
export function chatLogprobsToBatch(logprobs: unknown, sequenceId: string, final: boolean, path: string, detail?: Detail): TokenBatch {
  if (logprobs === null || logprobs === undefined) return detailedBuilder(sequenceId, 'completion', 1, detail).build(final);
  if (!isRecord(logprobs)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(logprobs)}, not an object or null`);
  const unreadable = unreadableChatLogprobs(logprobs, path);
  if (unreadable !== undefined) throw new RecordError('INVALID_RECORD', unreadable);
  const content = arrayOrNone(logprobs.content, `${path}.content`);
  const refusal = arrayOrNone(logprobs.refusal, `${path}.refusal`);
  const builder = detailedBuilder(sequenceId, 'completion', (content?.length ?? 0) + (refusal?.length ?? 0), detail);
  const texts: string[] | undefined = detail === 'full' ? [] : undefined;
  if (content !== undefined) for (let i = 0; i < content.length; i++) addChatEntry(builder, content[i], `${path}.content[${i}]`, texts);
  if (refusal !== undefined) for (let i = 0; i < refusal.length; i++) addChatEntry(builder, refusal[i], `${path}.refusal[${i}]`, texts);
  return builder.build(final);
}

/** `texts` (a scratch list, only with detail 'full') collects the alternatives' token texts. */
function addChatEntry(builder: TokenBatchBuilder, entry: unknown, path: string, texts: string[] | undefined): void {
  if (!isRecord(entry)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(entry)}, not an object`);
  const logprob = logprobAt(entry.logprob, `${path}.logprob`);
  if (!builder.add(logprob)) return;
  const bytes = entry.bytes;
  if (Array.isArray(bytes)) builder.setBytes(bytes.length);
  else if (bytes !== null && bytes !== undefined) {
    throw new RecordError('INVALID_RECORD', `${path}.bytes is ${describe(bytes)}, not an array or null`);
  }
  const top = arrayOrNone(entry.top_logprobs, `${path}.top_logprobs`);
  if (top !== undefined && top.length > 0) {
    const alternatives: number[] = [];
    if (texts !== undefined) texts.length = 0;
    for (let j = 0; j < top.length; j++) {
      const alt: unknown = top[j];
      const altPath = `${path}.top_logprobs[${j}]`;
      if (!isRecord(alt)) throw new RecordError('INVALID_RECORD', `${altPath} is ${describe(alt)}, not an object`);
      const lp = logprobAt(alt.logprob, `${altPath}.logprob`);
      if (lp === null) continue;
      alternatives.push(lp);
      texts?.push(typeof alt.token === 'string' ? alt.token : '');
    }
    if (alternatives.length > 0) builder.setTopK(alternatives, texts);
  }
  if (typeof entry.token === 'string') builder.setText(entry.token);
}

/**
 * One legacy Completions `logprobs` object (`{tokens, token_logprobs, top_logprobs, text_offset}`)
 * as one TokenBatch of the given segment, from position `skip` on (vLLM's echoed prompt is skipped
 * when its prompt_logprobs are scored instead).
 */
export function completionLogprobsToBatch(
  logprobs: unknown,
  sequenceId: string,
  segment: Segment,
  final: boolean,
  path: string,
  skip = 0,
  detail?: Detail,
): TokenBatch {
  if (logprobs === null || logprobs === undefined) return detailedBuilder(sequenceId, segment, 1, detail).build(final);
  if (!isRecord(logprobs)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(logprobs)}, not an object or null`);
  const values = logprobs.token_logprobs;
  if (!Array.isArray(values)) {
    throw new RecordError('INVALID_RECORD', `${path}.token_logprobs is ${values === undefined ? 'missing' : describe(values)}, not an array`);
  }
  const tokens = arrayOrNone(logprobs.tokens, `${path}.tokens`);
  if (tokens !== undefined && tokens.length !== values.length) {
    throw new RecordError('INVALID_RECORD', `${path}.tokens has ${tokens.length} entries but ${path}.token_logprobs has ${values.length}`);
  }
  const top = arrayOrNone(logprobs.top_logprobs, `${path}.top_logprobs`);
  if (top !== undefined && top.length !== values.length) {
    throw new RecordError('INVALID_RECORD', `${path}.top_logprobs has ${top.length} entries but ${path}.token_logprobs has ${values.length}`);
  }
  const builder = detailedBuilder(sequenceId, segment, values.length - skip, detail);
  const texts: string[] | undefined = detail === 'full' ? [] : undefined;
  for (let i = skip; i < values.length; i++) {
    const logprob = logprobAt(values[i], `${path}.token_logprobs[${i}]`);
    if (!builder.add(logprob)) continue;
    const entry = top?.[i];
    if (entry !== undefined && entry !== null) {
      if (!isRecord(entry)) throw new RecordError('INVALID_RECORD', `${path}.top_logprobs[${i}] is ${describe(entry)}, not an object or null`);
      const alternatives: number[] = [];
      if (texts !== undefined) texts.length = 0;
      for (const [token, value] of Object.entries(entry)) {
        const lp = logprobAt(value, `${path}.top_logprobs[${i}][${JSON.stringify(token)}]`);
        if (lp === null) continue;
        alternatives.push(lp);
        texts?.push(token);
      }
      if (alternatives.length > 0) builder.setTopK(alternatives, texts);
    }
    const token = tokens?.[i];
    if (typeof token === 'string') builder.setText(token);
  }
  return builder.build(final);
}

/** A streamed chunk's choice is final when its finish_reason is set (TGI writes "" while streaming). */
export function finishedChoice(choice: JsonObject): boolean {
  const reason = choice.finish_reason;
  return reason !== null && reason !== undefined && reason !== '';
}

/**
 * A legacy Completions choice is final unless its finish_reason says "still streaming" (null, or
 * TGI's ""): whole responses always set it, streamed pieces write null until the last one.
 */
export function completionChoiceFinal(choice: JsonObject): boolean {
  const reason = choice.finish_reason;
  return reason !== null && reason !== '';
}

/** A whole Chat Completions response: one final completion batch per choice. */
export function decodeChatResponse(record: JsonObject, baseId: string, path = '', detail?: Detail): ScoredItem[] {
  const items: ScoredItem[] = [];
  forEachChoice(record, path, (choice, index, choicePath) => {
    items.push(chatLogprobsToBatch(choice.logprobs, sequenceIdFor(baseId, index), true, `${choicePath}.logprobs`, detail));
  });
  return items;
}

/** One `chat.completion.chunk`: one batch per choice, final when its finish_reason is set. */
export function decodeChatChunk(record: JsonObject, baseId: string, path = '', detail?: Detail): ScoredItem[] {
  const items: ScoredItem[] = [];
  forEachChoice(record, path, (choice, index, choicePath) => {
    items.push(chatLogprobsToBatch(choice.logprobs, sequenceIdFor(baseId, index), finishedChoice(choice), `${choicePath}.logprobs`, detail));
  });
  return items;
}

/**
 * Legacy Completions response (or streamed piece). Tokens are completion tokens, with one
 * exception that is certain: when `usage.completion_tokens` is 0 nothing was generated
 * (`echo: true, max_tokens: 0`, the usual way to score a text), so every listed token is an
 * echoed prompt token. Otherwise an echoed prompt cannot be told apart reliably (usage sums over
 * choices and prompts, and stop sequences are counted but cut from the logprobs), so all tokens
 * stay completion tokens.
 */
export function decodeCompletionResponse(record: JsonObject, baseId: string, path = '', detail?: Detail): ScoredItem[] {
  const usage = record.usage;
  const segment: Segment = isRecord(usage) && usage.completion_tokens === 0 ? 'prompt' : 'completion';
  const items: ScoredItem[] = [];
  forEachChoice(record, path, (choice, index, choicePath) => {
    items.push(
      completionLogprobsToBatch(choice.logprobs, sequenceIdFor(baseId, index), segment, completionChoiceFinal(choice), `${choicePath}.logprobs`, 0, detail),
    );
  });
  return items;
}
