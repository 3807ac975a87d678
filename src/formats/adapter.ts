import type { ScoredItem } from './scored-batch.js';

export type FormatName =
  | 'openai-chat'
  | 'openai-batch'
  | 'openai-chat-chunk'
  | 'openai-completion'
  | 'vllm'
  | 'tgi'
  | 'llama-cpp'
  | 'lm-eval'
  | 'xent-sequence'
  | 'xent-token'
  | 'xent-distribution'
  | 'xent-label'
  | 'together'
  | 'gemini'
  | 'openai-responses'
  | 'openai-responses-events'
  | 'sglang'
  | 'ollama';

export interface DecodeContext {
  /** Used as the sequence id when the record carries none (e.g. "file.jsonl:12"). */
  fallbackId: string;
  /**
   * 'full' asks adapters for each token's top-k alternatives with their text (TokenBatch.alternatives),
   * for audits; absent (the default) leaves batches exactly as before.
   */
  detail?: 'full';
  /**
   * true asks adapters that read full distributions (xent-distribution) to hand their rows on as they are
   * (TokenBatch.distribution), for `xent compare --kl`; absent leaves batches exactly as before.
   */
  rows?: boolean;
}

/**
 * One input format. `detect` is a cheap structural test on a parsed record; `decode` turns the
 * record into scored items or throws a RecordError saying what is wrong with it.
 * Adapters are pure: no I/O, no streams, no CLI.
 */
export interface FormatAdapter {
  readonly name: FormatName;
  /** One line for `--help` and the README. */
  readonly description: string;
  detect(record: unknown): boolean;
  decode(record: unknown, context: DecodeContext): ScoredItem[];
}
