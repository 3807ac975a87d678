import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import type { ScoredItem } from './scored-batch.js';
import { checkLogprob, describe, TokenBatchBuilder } from './token-batch-builder.js';
import { isRecord } from './record-fields.js';

/**
 * llama.cpp server `/completion` responses (the native, non-OpenAI endpoint), checked against
 * tools/server/README.md and server-task.cpp / server.cpp (`completion_token_output::probs_vector_to_json`,
 * `server_task_result_cmpl_final/partial::to_json_non_oaicompat`) across versions:
 *
 * - current form (since late 2024), `n_probs > 0`:
 *     completion_probabilities: [{id, token, bytes, logprob, top_logprobs: [{id, token, bytes, logprob}]}]
 *   llama.cpp writes −FLT_MAX (-3.4028234663852886e38) for p = 0 (its JSON library would turn −inf
 *   into null): passed through as an ordinary scored value.
 * - current form with `post_sampling_probs: true`: `prob` / `top_probs` (probabilities in [0, 1],
 *   after the sampler chain) instead of `logprob` / `top_logprobs`: converted with Math.log.
 * - old form (before late 2024): completion_probabilities: [{content, probs: [{tok_str, prob}]}] —
 *   probabilities. The chosen token's probability is the entry whose tok_str equals content; when it
 *   is not listed (n_probs too small) the position cannot be scored and the record is rejected.
 *   Top-k = Math.log of every listed prob; prob 0 → −Infinity.
 *
 * Only generated tokens are scored (llama.cpp does not return prompt logprobs): segment completion.
 *
 * Sequence ids. These responses carry no request id, only `index` (which prompt of a multi-prompt
 * request) and `id_slot` (older servers: `slot_id`; the server slot, reused by later requests).
 * - A whole response (`stop` true or absent, with completion_probabilities): `context.fallbackId`
 *   (`#index` for index > 0), final.
 * - A streaming piece (`stop: false`, one per generated token, SSE `data: ` already stripped): the
 *   pieces of one response share nothing but their slot, so they are grouped as
 *   `${source} slot ${id_slot}` (`#index` for index > 0), not final, where `source` is fallbackId
 *   without its trailing `:<line>` (fallbackId looks like "file.jsonl:12"), so that two files'
 *   slot 0 streams stay apart. A piece without a slot falls back to fallbackId (its own sequence).
 * - The end of a stream (`stop: true` after pieces): current servers send no completion_probabilities
 *   there (and the full `content`); servers before late 2024 sent `content: ""` and repeated every
 *   probability of the response. Either way its tokens were already scored from the pieces, so it
 *   gives an empty final batch for the slot sequence (closing it). A response is taken for a stream
 *   end when `stop` is true and it has no completion_probabilities, or has them with `content: ""`
 *   (the one ambiguity: a non-streamed response whose whole text is empty, e.g. only EOS, is then not
 *   scored).
 * Consecutive streamed responses served by the same slot in one file share the id; their `final`
 * batches mark where one ends.
 */
export const llamaCppAdapter: FormatAdapter = {
  name: 'llama-cpp',
  description: 'llama.cpp server /completion responses and stream pieces with completion_probabilities (logprob, post-sampling prob, or old probs/tok_str form)',

  detect(record: unknown): boolean {
    if (!isRecord(record) || 'choices' in record) return false;
    if (Array.isArray(record.completion_probabilities)) return true;
    // A stream piece or stream end without probabilities (n_probs = 0, or the current stream end).
    return (
      typeof record.content === 'string' &&
      typeof record.stop === 'boolean' &&
      ('id_slot' in record || 'slot_id' in record || 'tokens_predicted' in record)
    );
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `a llama.cpp response must be an object, got ${describe(record)}`);
    const probabilities = record.completion_probabilities;
    if (probabilities != null && !Array.isArray(probabilities)) {
      throw new RecordError('INVALID_RECORD', `completion_probabilities is ${describe(probabilities)}, not an array`);
    }
    const stop = record.stop;
    if (stop !== undefined && typeof stop !== 'boolean') throw new RecordError('INVALID_RECORD', `stop is ${describe(stop)}, not a boolean`);
    const suffix = indexSuffix(record.index);

    if (stop === false) {
      if (probabilities == null || probabilities.length === 0) return [];
      const slot = slotOf(record);
      const id = slot === undefined ? context.fallbackId : `${source(context.fallbackId)} slot ${slot}`;
      return [collect(probabilities, id + suffix, false, context.detail)];
    }

    const streamEnd =
      stop === true && (probabilities == null || probabilities.length === 0 || record.content === '');
    if (streamEnd) {
      const slot = slotOf(record);
      if (slot === undefined) return [];
      const end = new TokenBatchBuilder(`${source(context.fallbackId)} slot ${slot}${suffix}`, 'completion');
      if (context.detail === 'full') end.keepAlternatives();
      return [end.build(true)];
    }
    if (probabilities == null) return [];
    return [collect(probabilities, context.fallbackId + suffix, true, context.detail)];
  },
};

function collect(list: unknown[], sequenceId: string, final: boolean, detail: DecodeContext['detail']): ReturnType<TokenBatchBuilder['build']> {
  const builder = new TokenBatchBuilder(sequenceId, 'completion', list.length, 'completion_probabilities');
  if (detail === 'full') builder.keepAlternatives();
  const alternatives: number[] = [];
  // The alternatives' texts, collected only with detail 'full' (for the audit's heat-map and top-k check).
  const texts: string[] | undefined = detail === 'full' ? [] : undefined;
  for (let i = 0; i < list.length; i++) {
    const entry: unknown = list[i];
    const path = `completion_probabilities[${i}]`;
    if (!isRecord(entry)) throw new RecordError('INVALID_RECORD', `${path} is ${describe(entry)}, not an object`);
    alternatives.length = 0;
    if (texts !== undefined) texts.length = 0;
    let text: unknown;
    let logprob: number | null;

    if ('logprob' in entry) {
      // Current servers write −FLT_MAX for p = 0; the first servers of this form let nlohmann::json
      // turn −inf into null. xent does not guess: a null is counted as unscored, as everywhere
      // else, and a null alternative is left out of the top-k.
      logprob = entry.logprob == null ? null : checkLogprob(entry.logprob, path);
      text = entry.token;
      const top = entry.top_logprobs;
      if (top != null) {
        if (!Array.isArray(top)) throw new RecordError('INVALID_RECORD', `${path}.top_logprobs is ${describe(top)}, not an array`);
        for (let j = 0; j < top.length; j++) {
          const alt: unknown = top[j];
          if (!isRecord(alt)) throw new RecordError('INVALID_RECORD', `${path}.top_logprobs[${j}] is ${describe(alt)}, not an object`);
          if (alt.logprob == null) continue;
          alternatives.push(checkLogprob(alt.logprob, `${path}.top_logprobs[${j}]`));
          texts?.push(typeof alt.token === 'string' ? alt.token : '');
        }
      }
    } else if ('prob' in entry) {
      logprob = logOf(entry.prob, `${path}.prob`);
      text = entry.token;
      const top = entry.top_probs;
      if (top != null) {
        if (!Array.isArray(top)) throw new RecordError('INVALID_RECORD', `${path}.top_probs is ${describe(top)}, not an array`);
        for (let j = 0; j < top.length; j++) {
          const alt: unknown = top[j];
          if (!isRecord(alt)) throw new RecordError('INVALID_RECORD', `${path}.top_probs[${j}] is ${describe(alt)}, not an object`);
          alternatives.push(logOf(alt.prob, `${path}.top_probs[${j}].prob`));
          texts?.push(typeof alt.token === 'string' ? alt.token : '');
        }
      }
    } else if ('probs' in entry) {
      const content = entry.content;
      if (typeof content !== 'string') throw new RecordError('INVALID_RECORD', `${path}.content is ${describe(content)}, not a string`);
      const probs = entry.probs;
      if (!Array.isArray(probs)) throw new RecordError('INVALID_RECORD', `${path}.probs is ${describe(probs)}, not an array`);
      let chosen: number | undefined;
      for (let j = 0; j < probs.length; j++) {
        const alt: unknown = probs[j];
        if (!isRecord(alt)) throw new RecordError('INVALID_RECORD', `${path}.probs[${j}] is ${describe(alt)}, not an object`);
        const lp = logOf(alt.prob, `${path}.probs[${j}].prob`);
        alternatives.push(lp);
        texts?.push(typeof alt.tok_str === 'string' ? alt.tok_str : '');
        if (chosen === undefined && alt.tok_str === content) chosen = lp;
      }
      if (chosen === undefined) {
        throw new RecordError(
          'INVALID_RECORD',
          `${path}: the chosen token ${JSON.stringify(content)} is not among its ${probs.length} probs (raise n_probs), so it cannot be scored`,
        );
      }
      logprob = chosen;
      text = content;
    } else {
      throw new RecordError('INVALID_RECORD', `${path} has none of logprob, prob or probs`);
    }

    if (!builder.add(logprob)) continue;
    if (typeof text === 'string') builder.setText(text);
    const bytes = entry.bytes;
    if (bytes != null) {
      if (!Array.isArray(bytes)) throw new RecordError('INVALID_RECORD', `${path}.bytes is ${describe(bytes)}, not an array`);
      builder.setBytes(bytes.length);
    }
    if (alternatives.length > 0) builder.setTopK(alternatives, texts);
  }
  return builder.build(final);
}

/** ln p for a probability in [0, 1]; p = 0 gives −Infinity. */
function logOf(p: unknown, where: string): number {
  if (typeof p !== 'number' || Number.isNaN(p)) throw new RecordError('INVALID_LOGPROB', `${where} is ${describe(p)}, not a probability`);
  if (p < 0 || p > 1) throw new RecordError('INVALID_LOGPROB', `${where} is ${p}, not a probability in [0, 1]`);
  return Math.log(p);
}

function slotOf(record: Record<string, unknown>): string | undefined {
  const slot = record.id_slot ?? record.slot_id;
  return typeof slot === 'number' || (typeof slot === 'string' && slot !== '') ? String(slot) : undefined;
}

function indexSuffix(index: unknown): string {
  if (index == null || index === 0) return '';
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    throw new RecordError('INVALID_RECORD', `index is ${describe(index)}, not a non-negative integer`);
  }
  return `#${index}`;
}

/** "file.jsonl:12" → "file.jsonl": the part of the fallback id that names the input, not the line. */
function source(fallbackId: string): string {
  return fallbackId.replace(/:\d+$/, '');
}

