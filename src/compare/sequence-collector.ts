import type { RecordOrigin } from '../aggregate/corpus-accumulator.js';
import type { ScoredItem, Segment } from '../formats/scored-batch.js';
import { ExactSum } from '../math/exact-sum.js';
import { positionViews, type ComparedView } from './position-views.js';
import { sentinelIndex } from '../math/sentinels.js';
import type { RecordTags } from '../audit/tagging-adapter.js';

/** What compare keeps of one finished sequence (one NDJSON line in a partition file). */
export interface SequenceSummary {
  id: string;
  tokens: number;
  nll: number;
  cross_entropy: number;
  file: string;
  line?: number;
  /** With `rows: true` (compare --kl): what each scored position knows, in order, sentinels included. */
  positions?: ComparedView[];
}

/**
 * Folds scored records into finished sequences (one exact NLL sum per open sequence) and hands
 * each to `onSequence` when it ends. With `--key`, a record's sequences are named by the key's
 * value (`value`, then `value#1`, `value#2` for a record's further sequences); a record without
 * the key keeps the adapter's id and is counted in `keyless`.
 */
export class SequenceCollector {
  private readonly open = new Map<string, { id: string; nll: ExactSum; tokens: number; file: string; line?: number; positions?: ComparedView[] }>();
  keyless = 0;
  empty = 0;

  constructor(
    private readonly options: { segment: Segment | 'all'; sentinels: 'include' | 'exclude'; keyed: boolean; rows?: boolean },
    private readonly onSequence: (summary: SequenceSummary) => void,
  ) {}

  add(items: readonly ScoredItem[], origin: RecordOrigin, input: number, tags: RecordTags): void {
    if (this.options.keyed && (tags.key === null || tags.key === undefined)) this.keyless++;
    const names = new Map<string, string>();
    let closing: string[] | undefined;
    for (const item of items) {
      if (item.kind !== 'tokens') continue;
      if (this.options.segment !== 'all' && item.segment !== this.options.segment) continue;
      let id = item.sequenceId;
      if (this.options.keyed && typeof tags.key === 'string') {
        id = names.get(item.sequenceId) ?? (names.size === 0 ? tags.key : `${tags.key}#${names.size}`);
        names.set(item.sequenceId, id);
      }
      const key = `${input}\u0000${id}`;
      let seq = this.open.get(key);
      if (seq === undefined) {
        seq = { id, nll: new ExactSum(), tokens: 0, file: origin.file, line: origin.line };
        if (this.options.rows === true) seq.positions = [];
        this.open.set(key, seq);
      }
      if (seq.positions !== undefined) for (const view of positionViews(item)) seq.positions.push(view);
      for (let i = 0; i < item.logprobs.length; i++) {
        const x = item.logprobs[i] as number;
        if (this.options.sentinels === 'exclude' && sentinelIndex(x) >= 0) continue;
        seq.nll.add(-x);
        seq.tokens++;
      }
      if (item.final) (closing ??= []).push(key);
    }
    if (closing !== undefined) for (const key of closing) this.close(key);
  }

  finishInput(input: number): void {
    const prefix = `${input}\u0000`;
    for (const key of [...this.open.keys()]) if (key.startsWith(prefix)) this.close(key);
  }

  private close(key: string): void {
    const seq = this.open.get(key);
    if (seq === undefined) return;
    this.open.delete(key);
    if (seq.tokens === 0) {
      this.empty++;
      return;
    }
    const nll = seq.nll.value();
    const summary: SequenceSummary = { id: seq.id, tokens: seq.tokens, nll, cross_entropy: nll / seq.tokens, file: seq.file };
    if (seq.line !== undefined) summary.line = seq.line;
    if (seq.positions !== undefined) summary.positions = seq.positions;
    this.onSequence(summary);
  }
}
