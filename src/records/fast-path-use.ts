import type { FormatAdapter } from '../formats/adapter.js';
import { openAiChatAdapter } from '../formats/openai-chat.js';
import { xentSequenceAdapter } from '../formats/xent-sequence.js';
import type { ScoredRecord } from '../formats/record-outcome.js';
import type { FastShapes } from '../fast/fast-record-scanner.js';

/**
 * What a run lets the fast path do: the shapes it may read, and, when some of the records it reads
 * are not enough for the run, which ones are (the others take the full path, as if the fast path
 * had not read them).
 */
export interface FastPathUse {
  shapes: FastShapes;
  /** Chat batches also carry TokenBatch.listing (for the audit's top-k check). */
  listing?: boolean;
  /**
   * Whether a record the fast path read will do, given also its line's bytes (buf[start, end),
   * buf[end] below 0x20), from which it may read what the run needs besides the figures (a tag).
   */
  accepts?: (record: ScoredRecord, buf: Buffer, start: number, end: number) => boolean;
}

/**
 * An adapter that wraps detection (audit's and compare's tagging adapter) and says itself what
 * of the fast path it can use: fast-path batches carry no token texts and no alternatives, and
 * the parsed record (where tags are read) never exists.
 */
export interface FastPathAware {
  fastPathUse(): FastPathUse | undefined;
}

/**
 * The fast path for a run: both shapes when formats are detected per record, the forced format's
 * own when it is one of them, what a wrapper says for itself, and none for any other adapter.
 */
export function fastPathFor(adapter: FormatAdapter | undefined): FastPathUse | undefined {
  if (adapter === undefined) return { shapes: { flat: true, chat: true } };
  if (adapter === xentSequenceAdapter) return { shapes: { flat: true, chat: false } };
  if (adapter === openAiChatAdapter) return { shapes: { flat: false, chat: true } };
  const aware = adapter as FormatAdapter & Partial<FastPathAware>;
  return typeof aware.fastPathUse === 'function' ? aware.fastPathUse() : undefined;
}
