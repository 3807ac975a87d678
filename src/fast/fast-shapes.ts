import type { FormatAdapter } from '../formats/adapter.js';
import { openAiChatAdapter } from '../formats/openai-chat.js';
import { xentSequenceAdapter } from '../formats/xent-sequence.js';
import type { FastShapes } from './fast-record-scanner.js';

/**
 * The shapes the fast path may read for a run: both when formats are detected per record, the
 * forced format's own when it is one of them, none for any other adapter (a forced other format,
 * or a wrapper such as the audit's, which wants what the fast path skips).
 */
export function fastShapesFor(adapter: FormatAdapter | undefined): FastShapes | undefined {
  if (adapter === undefined) return { flat: true, chat: true };
  if (adapter === xentSequenceAdapter) return { flat: true, chat: false };
  if (adapter === openAiChatAdapter) return { flat: false, chat: true };
  return undefined;
}
