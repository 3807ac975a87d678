import type { FormatName } from './adapter.js';
import { isRecord } from './record-fields.js';

/**
 * The keys each format's records are known by, top level and (after a dot) inside its first
 * choice, candidate or meta_info: what `UNKNOWN_FORMAT` compares a record against to say which
 * `-f` values come closest.
 */
const SIGNATURES: Readonly<Record<FormatName, readonly string[]>> = {
  'openai-chat': ['id', 'object', 'model', 'choices', 'usage', 'choice.message', 'choice.logprobs', 'logprobs.content'],
  'openai-batch': ['custom_id', 'response', 'error', 'id'],
  'openai-chat-chunk': ['id', 'object', 'model', 'choices', 'choice.delta', 'choice.logprobs', 'logprobs.content'],
  'openai-completion': ['id', 'object', 'model', 'choices', 'choice.text', 'choice.logprobs', 'logprobs.token_logprobs', 'logprobs.tokens'],
  vllm: ['id', 'object', 'choices', 'prompt_logprobs', 'choice.prompt_logprobs'],
  tgi: ['generated_text', 'details', 'token', 'details.tokens', 'details.prefill'],
  'llama-cpp': ['content', 'completion_probabilities', 'stop', 'id_slot', 'tokens_predicted'],
  'lm-eval': ['doc_id', 'doc', 'doc_hash', 'arguments', 'resps', 'filtered_resps', 'target'],
  'xent-sequence': ['id', 'logprobs', 'tokens', 'top_logprobs', 'bytes', 'segment'],
  'xent-token': ['sequence_id', 'logprob', 'token', 'final', 'segment'],
  'xent-distribution': ['id', 'targets', 'logits', 'probs'],
  'xent-label': ['id', 'label', 'prob', 'probs'],
  together: ['id', 'object', 'choices', 'choice.message', 'choice.logprobs', 'logprobs.tokens', 'logprobs.token_logprobs', 'logprobs.token_ids'],
  gemini: ['candidates', 'usageMetadata', 'modelVersion', 'responseId', 'choice.logprobsResult', 'choice.avgLogprobs'],
  'openai-responses': ['id', 'object', 'output', 'usage', 'status'],
  'openai-responses-events': ['type', 'item_id', 'output_index', 'content_index', 'delta', 'logprobs', 'response'],
  sglang: ['text', 'output_ids', 'meta_info', 'meta.output_token_logprobs', 'meta.input_token_logprobs', 'meta.id'],
  ollama: ['model', 'created_at', 'response', 'message', 'done', 'logprobs', 'done_reason'],
};

/** The record's keys as SIGNATURES spells them. */
function keysOf(record: Record<string, unknown>): Set<string> {
  const keys = new Set(Object.keys(record));
  const inner = (prefix: string, value: unknown): void => {
    if (isRecord(value)) for (const k of Object.keys(value)) keys.add(`${prefix}.${k}`);
  };
  const list = Array.isArray(record.choices) ? record.choices : Array.isArray(record.candidates) ? record.candidates : undefined;
  const first: unknown = list?.[0];
  inner('choice', first);
  if (isRecord(first)) inner('logprobs', first.logprobs);
  inner('meta', record.meta_info);
  inner('details', record.details);
  return keys;
}

/**
 * The UNKNOWN_FORMAT reason: what the record looked like (its top-level keys, and its first
 * choice's) and the `-f` values whose known keys it shares most.
 */
export function unknownShapeReason(record: unknown): string {
  if (!isRecord(record)) return `no known format has this shape (${Array.isArray(record) ? 'an array' : typeof record}, not an object)`;
  const top = Object.keys(record).slice(0, 8);
  const keys = keysOf(record);
  const inside = [...keys].filter((k) => k.startsWith('choice.')).slice(0, 6);
  const ranked = (Object.entries(SIGNATURES) as [FormatName, readonly string[]][])
    .map(([name, signature]) => {
      const shared = signature.filter((k) => keys.has(k)).length;
      return { name, shared, fraction: shared / signature.length };
    })
    .filter((r) => r.shared > 0)
    .sort((a, b) => b.shared - a.shared || b.fraction - a.fraction);
  // Only the formats sharing the most keys: a lone common key (`id`, `model`) says little.
  const best = ranked[0]?.shared ?? 0;
  const closestNames = ranked.filter((r) => r.shared === best).slice(0, 3);
  const looked = `top-level keys: ${top.length > 0 ? top.join(', ') : 'none'}${inside.length > 0 ? `; first choice: ${inside.map((k) => k.slice(7)).join(', ')}` : ''}`;
  const closest = closestNames.length > 0 ? `; closest -f values: ${closestNames.map((r) => r.name).join(', ')}` : '';
  return `no known format has this shape (${looked})${closest}`;
}
