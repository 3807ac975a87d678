import { XentError } from '../errors.js';
import type { FormatAdapter, FormatName } from './adapter.js';
import { geminiAdapter } from './gemini.js';
import { ollamaAdapter } from './ollama.js';
import { openAiResponsesEventsAdapter } from './openai-responses-events.js';
import { openAiResponsesAdapter } from './openai-responses.js';
import { sglangAdapter } from './sglang.js';
import { togetherAdapter } from './together.js';
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
 * chat completion with `delta`; Together's chat response holds Completions arrays). Each adapter
 * claims only records whose types fit it; test/formats/detection.test.ts checks every pair.
 */
export const adapters: readonly FormatAdapter[] = [
  openAiBatchAdapter,
  vllmAdapter,
  togetherAdapter,
  openAiChatChunkAdapter,
  openAiCompletionAdapter,
  openAiChatAdapter,
  tgiAdapter,
  llamaCppAdapter,
  lmEvalAdapter,
  geminiAdapter,
  openAiResponsesAdapter,
  openAiResponsesEventsAdapter,
  sglangAdapter,
  ollamaAdapter,
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
