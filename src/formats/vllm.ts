/**
 * vLLM's OpenAI-compatible responses with `prompt_logprobs` (vllm/entrypoints/openai protocol):
 * a top-level `prompt_logprobs` on chat completions, `choices[].prompt_logprobs` on completions.
 * Shape: `[null, {"<token_id>": {logprob, rank, decoded_token}, ...}, ...]`, one entry per prompt
 * token, the first null (nothing to condition on).
 *
 * Which entry is the prompt token: vLLM builds each dict with the prompt token inserted first,
 * then the top-k (ranks 1..k); a prompt token outside the top-k stays as an extra entry with its
 * own rank (> k), one inside keeps its top-k rank. JSON objects with integer keys lose that
 * order once parsed (integer-like keys enumerate in numeric order), so xent identifies the token
 * by, in order: `prompt_token_ids` (returned with `return_token_ids: true`); the only entry
 * (`prompt_logprobs: 0`, the usual request for perplexity); the one entry whose rank exceeds the
 * record's k (k inferred from the dict sizes and ranks). A position where the token is inside a
 * top-k of k ≥ 2 and no ids are given is ambiguous: the record is rejected, saying so.
 */
import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import {
  completionChoiceFinal,
  completionLogprobsToBatch,
  decodeChatChunk,
  decodeChatResponse,
  type Detail,
  detailedBuilder,
  forEachChoice,
  logprobAt,
  looksLikeChatChunk,
  looksLikeChatCompletion,
  sequenceIdFor,
} from './openai-logprobs.js';
import { isRecord, type JsonObject, recordId } from './record-fields.js';
import type { ScoredItem, TokenBatch } from './scored-batch.js';
import { describe } from './token-batch-builder.js';

export const vllmAdapter: FormatAdapter = {
  name: 'vllm',
  description: "vLLM OpenAI-compatible responses with prompt_logprobs (prompt segment) plus the usual choices' logprobs",
  detect(record: unknown): boolean {
    return hasPromptLogprobs(record);
  },
  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a vLLM response must be an object, got ${describe(record)}`);
    return decodeVllmResponse(record, recordId(record.id, context.fallbackId), '', context.detail);
  },
};

/** True when the record (or its first choice) carries a non-null `prompt_logprobs`. */
export function hasPromptLogprobs(record: unknown): boolean {
  if (!isRecord(record)) return false;
  if (record.prompt_logprobs !== undefined && record.prompt_logprobs !== null) return true;
  const choices = record.choices;
  if (!Array.isArray(choices)) return false;
  const first: unknown = choices[0];
  return isRecord(first) && first.prompt_logprobs !== undefined && first.prompt_logprobs !== null;
}

/** A vLLM chat or completion response, under the given sequence base id (Batch API lines pass custom_id). */
export function decodeVllmResponse(record: JsonObject, baseId: string, path = '', detail?: Detail): ScoredItem[] {
  const items: ScoredItem[] = [];
  const chunk = looksLikeChatChunk(record);
  const chat = chunk || looksLikeChatCompletion(record);
  if (record.prompt_logprobs !== undefined && record.prompt_logprobs !== null) {
    // Chat: one prompt shared by every choice; scored once, under choice 0's sequence.
    items.push(
      promptLogprobsToBatch(record.prompt_logprobs, record.prompt_token_ids, baseId, !chunk, `${path}prompt_logprobs`, `${path}prompt_token_ids`, detail),
    );
  }
  if (chat) {
    items.push(...(chunk ? decodeChatChunk(record, baseId, path, detail) : decodeChatResponse(record, baseId, path, detail)));
    return items;
  }
  // A bare top-level prompt_logprobs without choices still scores its prompt.
  if (!Array.isArray(record.choices) && items.length > 0) return items;
  forEachChoice(record, path, (choice, index, choicePath) => {
    const sequenceId = sequenceIdFor(baseId, index);
    const final = completionChoiceFinal(choice);
    const prompt = choice.prompt_logprobs;
    let skip = 0;
    if (prompt !== undefined && prompt !== null) {
      const batch = promptLogprobsToBatch(
        prompt,
        choice.prompt_token_ids,
        sequenceId,
        final,
        `${choicePath}.prompt_logprobs`,
        `${choicePath}.prompt_token_ids`,
        detail,
      );
      items.push(batch);
      skip = echoedPromptLength(choice.logprobs, batch.logprobs.length + batch.unscored);
    }
    items.push(completionLogprobsToBatch(choice.logprobs, sequenceId, 'completion', final, `${choicePath}.logprobs`, skip, detail));
  });
  return items;
}

/**
 * With `echo`, vLLM's completion logprobs are the prompt's (first entry null) followed by the
 * generated tokens': the first `promptLength` entries repeat prompt_logprobs and are skipped.
 */
function echoedPromptLength(logprobs: unknown, promptLength: number): number {
  if (!isRecord(logprobs)) return 0;
  const values = logprobs.token_logprobs;
  if (!Array.isArray(values) || values.length < promptLength || values[0] !== null) return 0;
  return promptLength;
}

interface Candidate {
  key: string;
  logprob: unknown;
  rank: number;
  decoded: unknown;
}

/** The prompt_logprobs list as one prompt-segment TokenBatch. */
export function promptLogprobsToBatch(
  promptLogprobs: unknown,
  promptTokenIds: unknown,
  sequenceId: string,
  final: boolean,
  path: string,
  idsPath: string,
  detail?: Detail,
): TokenBatch {
  if (!Array.isArray(promptLogprobs)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(promptLogprobs)}, not an array`);
  const positions: (Candidate[] | null)[] = new Array(promptLogprobs.length);
  for (let i = 0; i < promptLogprobs.length; i++) positions[i] = candidatesAt(promptLogprobs[i], `${path}[${i}]`);

  let ids: readonly unknown[] | undefined;
  if (Array.isArray(promptTokenIds)) {
    if (promptTokenIds.length !== promptLogprobs.length) {
      throw new RecordError('INVALID_RECORD', `${idsPath} has ${promptTokenIds.length} entries but ${path} has ${promptLogprobs.length}`);
    }
    ids = promptTokenIds;
  }

  // Pick the prompt token of each position; then infer k (the requested number of alternatives).
  const chosen: (Candidate | undefined)[] = new Array(positions.length);
  if (ids !== undefined) {
    for (let i = 0; i < positions.length; i++) {
      const candidates = positions[i];
      if (candidates === null || candidates === undefined) continue;
      const id = ids[i];
      if (typeof id !== 'number' || !Number.isInteger(id)) {
        throw new RecordError('INVALID_RECORD', `${idsPath}[${i}] is ${describe(id)}, not a token id`);
      }
      const found = candidates.find((c) => c.key === String(id));
      if (found === undefined) throw new RecordError('INVALID_RECORD', `${path}[${i}] has no entry for the prompt token id ${id} (${idsPath}[${i}])`);
      chosen[i] = found;
    }
  }
  const k = inferK(positions, chosen);
  for (let i = 0; i < positions.length; i++) {
    const candidates = positions[i];
    if (candidates === null || candidates === undefined || chosen[i] !== undefined) continue;
    chosen[i] = pickPromptToken(candidates, k, `${path}[${i}]`, idsPath);
  }

  const builder = detailedBuilder(sequenceId, 'prompt', positions.length, detail);
  for (let i = 0; i < positions.length; i++) {
    const candidates = positions[i];
    const token = chosen[i];
    if (candidates === null || candidates === undefined || token === undefined) {
      builder.add(null);
      continue;
    }
    const logprob = logprobAt(token.logprob, `${path}[${i}][${JSON.stringify(token.key)}].logprob`);
    if (!builder.add(logprob)) continue;
    if (k !== undefined && k > 0) {
      // The top-k alternatives: every entry, less the prompt token when it was appended outside the top-k.
      const alternatives = candidates.length > k ? candidates.filter((c) => c !== token) : candidates;
      const values: number[] = [];
      const texts: string[] | undefined = detail === 'full' ? [] : undefined;
      for (const c of alternatives) {
        const lp = logprobAt(c.logprob, `${path}[${i}][${JSON.stringify(c.key)}].logprob`);
        if (lp === null) continue;
        values.push(lp);
        texts?.push(typeof c.decoded === 'string' ? c.decoded : '');
      }
      if (values.length > 0) builder.setTopK(values, texts);
    }
    if (typeof token.decoded === 'string') builder.setText(token.decoded);
  }
  return builder.build(final);
}

function candidatesAt(entry: unknown, path: string): Candidate[] | null {
  if (entry === null || entry === undefined) return null;
  if (!isRecord(entry)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(entry)}, not an object of {token id: {logprob, rank, decoded_token}} or null`);
  const candidates: Candidate[] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (!isRecord(value)) throw new RecordError('INVALID_RECORD', `${path}[${JSON.stringify(key)}] is ${describe(value)}, not an object with a logprob`);
    const rank = value.rank;
    candidates.push({
      key,
      logprob: value.logprob,
      rank: typeof rank === 'number' && Number.isFinite(rank) ? rank : Number.NaN,
      decoded: value.decoded_token,
    });
  }
  if (candidates.length === 0) throw new RecordError('INVALID_RECORD', `${path} lists no tokens`);
  return candidates;
}

/**
 * k, the number of top alternatives the request asked for: every dict holds k entries (prompt
 * token inside the top-k) or k + 1 (prompt token appended with its own rank > k). Undefined when
 * the record does not settle it.
 */
function inferK(positions: readonly (Candidate[] | null)[], chosen: readonly (Candidate | undefined)[]): number | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const c of positions) {
    if (c === null || c === undefined) continue;
    min = Math.min(min, c.length);
    max = Math.max(max, c.length);
  }
  if (max === 0) return undefined;
  if (max - min === 1) return min;
  if (max !== min) return undefined;
  const n = min;
  for (let i = 0; i < positions.length; i++) {
    const c = positions[i];
    if (c === null || c === undefined) continue;
    // A rank above n can only be an appended prompt token: the top-k ranks are 1..k.
    if (c.some((x) => x.rank > n)) return n - 1;
    // A known prompt token ranked below n sits inside the top-k, so the dict is the top-k itself.
    const token = chosen[i];
    if (token !== undefined && token.rank < n) return n;
  }
  return undefined;
}

function pickPromptToken(candidates: readonly Candidate[], k: number | undefined, path: string, idsPath: string): Candidate {
  const only = candidates[0];
  if (candidates.length === 1 && only !== undefined) return only;
  if (k !== undefined && candidates.length === k + 1) {
    const outside = candidates.filter((c) => c.rank > k);
    const token = outside[0];
    if (outside.length === 1 && token !== undefined) return token;
  }
  const ranks = candidates
    .map((c) => c.rank)
    .sort((a, b) => a - b)
    .map((r) => (Number.isNaN(r) ? '?' : String(r)))
    .join(', ');
  throw new RecordError(
    'INVALID_RECORD',
    `${path} lists ${candidates.length} tokens (ranks ${ranks}) and ${idsPath} is absent, so the prompt token among them cannot be identified ` +
      '(vLLM puts it first, but parsed JSON objects order integer keys numerically); request prompt_logprobs=0 or return_token_ids=true',
  );
}
