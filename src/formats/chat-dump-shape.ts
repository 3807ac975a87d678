import { isRecord } from './record-fields.js';

/**
 * A Chat Completions response as people save it, stripped to what they need
 * (`{id, model, choices: [{index?, logprobs: {content: [...]}}]}`): no `object`, no `message`.
 * Its first choice's `logprobs` must hold a `content` or `refusal` array, the one shape only a chat
 * response has, so a chunk (`delta`) or a Completions choice (`text`) is never taken for it.
 */
export function looksLikeStrippedChatDump(record: unknown): boolean {
  if (!isRecord(record) || 'object' in record) return false;
  const choices = record.choices;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(first) || 'delta' in first || 'text' in first) return false;
  const logprobs = first.logprobs;
  return isRecord(logprobs) && (Array.isArray(logprobs.content) || Array.isArray(logprobs.refusal));
}

/**
 * Why a chat choice's `logprobs` object cannot be read, when it holds neither `content` nor
 * `refusal` but something else: so that the record is counted bad instead of read as empty.
 */
export function unreadableChatLogprobs(logprobs: Record<string, unknown>, path: string): string | undefined {
  if ('content' in logprobs || 'refusal' in logprobs) return undefined;
  const keys = Object.keys(logprobs);
  if (keys.length === 0) return undefined;
  if (Array.isArray(logprobs.token_logprobs) || Array.isArray(logprobs.tokens)) {
    return `${path} has \`tokens\`/\`token_logprobs\` arrays; this is the completions shape (read it with -f together)`;
  }
  return `${path} has neither content nor refusal (keys: ${keys.slice(0, 6).join(', ')}), so no token can be read`;
}
