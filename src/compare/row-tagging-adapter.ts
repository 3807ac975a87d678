import { TaggingAdapter } from '../audit/tagging-adapter.js';
import type { DecodeContext, FormatAdapter } from '../formats/adapter.js';
import type { ScoredItem } from '../formats/scored-batch.js';

/**
 * The tagging adapter of `compare --kl`: every record decoded with token detail (the top-k alternatives with their
 * texts) and with full rows (xent-distribution's logits or probs), which is what positionKl compares. Detail for every
 * record also keeps the fast path out, since it reads neither.
 */
export class RowTaggingAdapter extends TaggingAdapter {
  constructor(options: { forced?: FormatAdapter; key?: readonly string[] }) {
    super({ ...options, detail: 'all' });
  }

  override decode(record: unknown, context: DecodeContext): ScoredItem[] {
    return super.decode(record, { ...context, rows: true });
  }
}
