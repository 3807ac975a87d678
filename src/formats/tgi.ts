import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import type { ScoredItem, Segment } from './scored-batch.js';
import { checkLogprob, describe, TokenBatchBuilder } from './token-batch-builder.js';
import { isRecord } from './record-fields.js';

/**
 * Hugging Face text-generation-inference `/generate` responses (with `details: true`):
 *
 *   {generated_text, details: {finish_reason, generated_tokens, seed,
 *     prefill: [{id, text, logprob}],          ← prompt; the first logprob is null (nothing predicts it)
 *     tokens: [{id, text, logprob, special}],  ← completion
 *     top_tokens: [[{id, text, logprob, special}, …], …] | absent | null,   (one list per completion token)
 *     best_of_sequences: [{generated_text, finish_reason, generated_tokens, seed, prefill, tokens, top_tokens?}] | absent | null}}
 *
 * Shape checked against text-generation-inference router/src/lib.rs (`Details`, `BestOfSequence`,
 * `PrefillToken`, `Token`: `top_tokens: Vec<Vec<Token>>`, skipped when empty) and the recorded
 * responses of its integration tests (integration-tests/models/__snapshots__).
 *
 * A response carries no id: the main sequence is `context.fallbackId`, the best_of sequences are
 * `${fallbackId}#1`, `#2`, … Each sequence gives a prompt batch (only when `prefill` is non-empty:
 * TGI fills it only with `decoder_input_details: true`) and a completion batch, both final.
 * best_of sequences repeat the prompt's prefill; it is scored for each sequence as recorded.
 * Special tokens (e.g. `</s>`) are scored like any other: the model did predict them.
 * Streaming (`/generate_stream`) events (`{token, generated_text, details}`) are not this format.
 */
export const tgiAdapter: FormatAdapter = {
  name: 'tgi',
  description: 'Hugging Face text-generation-inference /generate responses with details (prefill = prompt, tokens = completion, best_of_sequences)',

  detect(record: unknown): boolean {
    if (!isRecord(record)) return false;
    if ('choices' in record || 'token' in record) return false;
    const details = record.details;
    if (isRecord(details)) return Array.isArray(details.tokens);
    // A response asked without details: recognised, so that decode can say what is missing.
    return typeof record.generated_text === 'string' && details == null;
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a TGI response must be an object, got ${describe(record)}`);
    const details = record.details;
    if (details == null) {
      throw new RecordError(
        'INVALID_RECORD',
        'details is missing: TGI returns token logprobs only when the request sets parameters.details = true (and decoder_input_details = true for the prompt)',
      );
    }
    if (!isRecord(details)) throw new RecordError('INVALID_RECORD', `details is ${describe(details)}, not an object`);

    const items: ScoredItem[] = [];
    decodeSequence(details, 'details', context.fallbackId, items, context.detail);

    const bestOf = details.best_of_sequences;
    if (bestOf != null) {
      if (!Array.isArray(bestOf)) {
        throw new RecordError('INVALID_RECORD', `details.best_of_sequences is ${describe(bestOf)}, not an array`);
      }
      for (let i = 0; i < bestOf.length; i++) {
        const sequence: unknown = bestOf[i];
        const path = `details.best_of_sequences[${i}]`;
        if (!isRecord(sequence)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(sequence)}, not an object`);
        decodeSequence(sequence, path, `${context.fallbackId}#${i + 1}`, items, context.detail);
      }
    }
    return items;
  },
};

/** One sequence (the main `details` or a best_of entry): its prefill and its tokens. */
function decodeSequence(sequence: Record<string, unknown>, path: string, sequenceId: string, items: ScoredItem[], detail: DecodeContext['detail']): void {
  const prefill = sequence.prefill;
  if (prefill != null) {
    if (!Array.isArray(prefill)) throw new RecordError('INVALID_RECORD', `${path}.prefill is ${describe(prefill)}, not an array`);
    if (prefill.length > 0) items.push(collect(prefill, `${path}.prefill`, sequenceId, 'prompt', undefined, '', detail));
  }

  const tokens = sequence.tokens;
  if (!Array.isArray(tokens)) throw new RecordError('INVALID_RECORD', `${path}.tokens is ${describe(tokens)}, not an array`);
  const topTokens = sequence.top_tokens;
  let top: unknown[] | undefined;
  if (topTokens != null) {
    if (!Array.isArray(topTokens)) throw new RecordError('INVALID_RECORD', `${path}.top_tokens is ${describe(topTokens)}, not an array`);
    // TGI omits the field when top_n_tokens was not asked; an empty list means the same.
    if (topTokens.length > 0) {
      if (topTokens.length !== tokens.length) {
        throw new RecordError(
          'INVALID_RECORD',
          `${path}.top_tokens has ${topTokens.length} positions but ${path}.tokens has ${tokens.length}`,
        );
      }
      top = topTokens;
    }
  }
  items.push(collect(tokens, `${path}.tokens`, sequenceId, 'completion', top, `${path}.top_tokens`, detail));
}

function collect(
  list: unknown[],
  path: string,
  sequenceId: string,
  segment: Segment,
  top: unknown[] | undefined,
  topPath: string,
  detail: DecodeContext['detail'],
): ReturnType<TokenBatchBuilder['build']> {
  const builder = new TokenBatchBuilder(sequenceId, segment, list.length, path);
  if (detail === 'full') builder.keepAlternatives();
  const alternatives: number[] = [];
  // The alternatives' texts, collected only with detail 'full' (for the audit's heat-map and top-k check).
  const texts: string[] | undefined = detail === 'full' ? [] : undefined;
  for (let i = 0; i < list.length; i++) {
    const token: unknown = list[i];
    if (!isRecord(token)) throw new RecordError('INVALID_RECORD', `${path}[${i}] is ${describe(token)}, not a token object`);
    const logprob = token.logprob;
    if (logprob != null) checkLogprob(logprob, `${path}[${i}]`);
    if (!builder.add(logprob)) continue;
    if (typeof token.text === 'string') builder.setText(token.text);
    if (top !== undefined) {
      const row: unknown = top[i];
      if (row == null) continue;
      if (!Array.isArray(row)) throw new RecordError('INVALID_RECORD', `${topPath}[${i}] is ${describe(row)}, not an array`);
      alternatives.length = 0;
      if (texts !== undefined) texts.length = 0;
      for (let j = 0; j < row.length; j++) {
        const alt: unknown = row[j];
        if (!isRecord(alt)) throw new RecordError('INVALID_RECORD', `${topPath}[${i}][${j}] is ${describe(alt)}, not a token object`);
        alternatives.push(checkLogprob(alt.logprob, `${topPath}[${i}][${j}]`));
        texts?.push(typeof alt.text === 'string' ? alt.text : '');
      }
      if (alternatives.length > 0) builder.setTopK(alternatives, texts);
    }
  }
  return builder.build(true);
}

