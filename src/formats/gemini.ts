import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import { isRecord, sequenceIdField, type JsonObject } from './record-fields.js';
import type { ScoredItem, TokenBatch } from './scored-batch.js';
import { checkLogprob, describe } from './token-batch-builder.js';
import { builderFor, indexedId } from './token-entries.js';

/**
 * Google Gemini API / Vertex AI `generateContent` (and each `streamGenerateContent` chunk) asked
 * with `responseLogprobs: true` (and `logprobs: k` for alternatives):
 *
 *   {candidates: [{index?, finishReason?, avgLogprobs?,
 *                  logprobsResult: {chosenCandidates: [{token, tokenId?, logProbability}],
 *                                   topCandidates: [{candidates: [{token, logProbability}]}]}}],
 *    responseId?, modelVersion?, usageMetadata?}
 *
 * A Vertex AI batch prediction output line (`{request, response, status}`) is read as its response.
 * Generated tokens only (segment completion). One sequence per candidate: `responseId`
 * (`#index` for candidate index > 0), else the line. Protobuf's JSON mapping leaves out fields at
 * their default, so a missing `logProbability` is 0 and a missing `index` is 0. A candidate that
 * has `avgLogprobs` but no `logprobsResult` was scored by the API but its tokens cannot be read:
 * the record is bad rather than silently empty. A candidate is final when it has a finishReason.
 */
export const geminiAdapter: FormatAdapter = {
  name: 'gemini',
  description: 'Google Gemini / Vertex AI generateContent responses (candidates[].logprobsResult.chosenCandidates / topCandidates)',

  detect(record: unknown): boolean {
    if (!isRecord(record)) return false;
    // A Vertex AI batch prediction line wraps the response: {request, response, status?}.
    if ('request' in record && isRecord(record.response)) return looksLikeResponse(record.response);
    return looksLikeResponse(record);
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a Gemini response must be an object, got ${describe(record)}`);
    const wrapped = 'request' in record && isRecord(record.response);
    const response = wrapped ? (record.response as JsonObject) : record;
    const prefix = wrapped ? 'response.' : '';
    const candidates = response.candidates;
    if (!Array.isArray(candidates)) throw new RecordError('INVALID_RECORD', `${prefix}candidates is ${describe(candidates)}, not an array`);
    const base = sequenceIdField(response.responseId, `${prefix}responseId`, context.fallbackId);
    const items: ScoredItem[] = [];
    for (let c = 0; c < candidates.length; c++) {
      const candidate: unknown = candidates[c];
      const path = `${prefix}candidates[${c}]`;
      if (!isRecord(candidate)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(candidate)}, not an object`);
      items.push(decodeCandidate(candidate, path, indexedId(base, candidateIndex(candidate, c, path)), context));
    }
    return items;
  },
};

function looksLikeResponse(record: JsonObject): boolean {
  if (!Array.isArray(record.candidates)) return false;
  const first: unknown = record.candidates[0];
  if (first === undefined) return 'usageMetadata' in record || 'modelVersion' in record;
  return isRecord(first) && ('logprobsResult' in first || 'avgLogprobs' in first || 'content' in first || 'finishReason' in first);
}

function candidateIndex(candidate: JsonObject, position: number, path: string): number {
  const index = candidate.index;
  if (index === undefined || index === null) return position;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    throw new RecordError('INVALID_RECORD', `${path}.index is ${describe(index)}, not a non-negative integer`);
  }
  return index;
}

function decodeCandidate(candidate: JsonObject, path: string, sequenceId: string, context: DecodeContext): TokenBatch {
  const final = typeof candidate.finishReason === 'string' && candidate.finishReason !== '';
  const result = candidate.logprobsResult;
  if (result === undefined || result === null) {
    if (typeof candidate.avgLogprobs === 'number') {
      throw new RecordError(
        'INVALID_RECORD',
        `${path} has avgLogprobs but no logprobsResult, so its tokens cannot be scored (ask with generationConfig.responseLogprobs: true)`,
      );
    }
    return builderFor(sequenceId, 'completion', 1, context).build(final);
  }
  if (!isRecord(result)) throw new RecordError('INVALID_RECORD', `${path}.logprobsResult is ${describe(result)}, not an object`);
  const chosen = result.chosenCandidates ?? [];
  if (!Array.isArray(chosen)) throw new RecordError('INVALID_RECORD', `${path}.logprobsResult.chosenCandidates is ${describe(chosen)}, not an array`);
  if (chosen.length === 0 && typeof result.logProbabilitySum === 'number' && result.logProbabilitySum !== 0) {
    throw new RecordError('INVALID_RECORD', `${path}.logprobsResult has logProbabilitySum ${result.logProbabilitySum} but no chosenCandidates, so its tokens cannot be scored`);
  }
  const top = result.topCandidates;
  if (top !== undefined && top !== null && (!Array.isArray(top) || top.length !== chosen.length)) {
    throw new RecordError(
      'INVALID_RECORD',
      Array.isArray(top)
        ? `${path}.logprobsResult.topCandidates has ${top.length} entries but chosenCandidates has ${chosen.length}`
        : `${path}.logprobsResult.topCandidates is ${describe(top)}, not an array`,
    );
  }
  const builder = builderFor(sequenceId, 'completion', chosen.length, context, `${path}.logprobsResult.chosenCandidates`);
  const alternatives: number[] = [];
  const texts: string[] | undefined = context.detail === 'full' ? [] : undefined;
  for (let i = 0; i < chosen.length; i++) {
    const at = `${path}.logprobsResult.chosenCandidates[${i}]`;
    const entry: unknown = chosen[i];
    if (!isRecord(entry)) throw new RecordError('INVALID_RECORD', `${at} is ${describe(entry)}, not an object`);
    builder.add(logProbability(entry.logProbability, `${at}.logProbability`));
    builder.setText(typeof entry.token === 'string' ? entry.token : '');
    const row: unknown = Array.isArray(top) ? top[i] : undefined;
    if (row === undefined || row === null) continue;
    const rowPath = `${path}.logprobsResult.topCandidates[${i}]`;
    if (!isRecord(row)) throw new RecordError('INVALID_RECORD', `${rowPath} is ${describe(row)}, not an object`);
    const list = row.candidates ?? [];
    if (!Array.isArray(list)) throw new RecordError('INVALID_RECORD', `${rowPath}.candidates is ${describe(list)}, not an array`);
    alternatives.length = 0;
    if (texts !== undefined) texts.length = 0;
    for (let j = 0; j < list.length; j++) {
      const alt: unknown = list[j];
      if (!isRecord(alt)) throw new RecordError('INVALID_RECORD', `${rowPath}.candidates[${j}] is ${describe(alt)}, not an object`);
      alternatives.push(logProbability(alt.logProbability, `${rowPath}.candidates[${j}].logProbability`));
      texts?.push(typeof alt.token === 'string' ? alt.token : '');
    }
    if (alternatives.length > 0) builder.setTopK(alternatives, texts);
  }
  return builder.build(final);
}

/** Protobuf JSON omits a float at its default: absent means 0 (probability 1). */
function logProbability(value: unknown, path: string): number {
  return value === undefined ? 0 : checkLogprob(value, path);
}
