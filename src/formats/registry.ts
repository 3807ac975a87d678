import { XentError } from '../errors.js';
import type { FormatAdapter, FormatName } from './adapter.js';
import { lmEvalAdapter } from './lm-eval.js';
import { llamaCppAdapter } from './llama-cpp.js';
import { openAiBatchAdapter } from './openai-batch.js';
import { openAiChatChunkAdapter } from './openai-chat-chunk.js';
import { openAiChatAdapter } from './openai-chat.js';
import { openAiCompletionAdapter } from './openai-completion.js';
import { tgiAdapter } from './tgi.js';
import { vllmAdapter } from './vllm.js';
import { xentDistributionAdapter } from './xent-distribution.js';
import { xentLabelAdapter } from './xent-label.js';
import { xentSequenceAdapter } from './xent-sequence.js';
import { xentTokenAdapter } from './xent-token.js';

/**
 * Every adapter in detection order: the more specific shapes first (a Batch API line wraps a
 * chat completion; a vLLM response is an OpenAI one with prompt_logprobs; a chunk looks like a
 * chat completion with `delta`).
 */
export const adapters: readonly FormatAdapter[] = [
  openAiBatchAdapter,
  vllmAdapter,
  openAiChatChunkAdapter,
  openAiCompletionAdapter,
  openAiChatAdapter,
  tgiAdapter,
  llamaCppAdapter,
  lmEvalAdapter,
  xentDistributionAdapter,
  xentLabelAdapter,
  xentTokenAdapter,
  xentSequenceAdapter,
];

export const formatNames: readonly FormatName[] = adapters.map((a) => a.name);

export function adapterByName(name: string): FormatAdapter {
  const found = adapters.find((a) => a.name === name);
  if (found === undefined) {
    throw new XentError('INVALID_OPTION', `Expected \`input-format\` to be one of ${formatNames.join(', ')} or auto, got ${JSON.stringify(name)}`);
  }
  return found;
}

/** The first adapter whose shape matches, or undefined. */
export function detectAdapter(record: unknown): FormatAdapter | undefined {
  for (const adapter of adapters) if (adapter.detect(record)) return adapter;
  return undefined;
}
