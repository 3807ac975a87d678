import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter, FormatName } from '../formats/adapter.js';
import { fastPathFor, type FastPathAware, type FastPathUse } from '../records/fast-path-use.js';
import { detectAdapter } from '../formats/registry.js';
import { unknownShapeReason } from '../formats/unknown-shape.js';
import type { ScoredItem } from '../formats/scored-batch.js';
import type { ScoredRecord } from '../formats/record-outcome.js';
import { keyOf, valueAtPath } from './dotted-path.js';
import { FieldKeyReader, UNDECIDED } from '../fast/field-key.js';

/** What an audit or compare needs from a record besides its scored items. */
export interface RecordTags {
  /** Value at `--group-by` (null when absent), or undefined without the option. */
  group?: string | null;
  /** Value at `--key` (null when absent), or undefined without the option. */
  key?: string | null;
}

/**
 * Wraps format detection (or the forced format) so that `scoreInput` — framing, gzip, JSON
 * documents, broken-document recovery — can be reused as it is while the audit still sees the
 * record: values at `--group-by`/`--key` are read from the parsed record before it is decoded and
 * attached to the decoded items array through a WeakMap (the sink receives that same array), so
 * nothing leaks once the record has been consumed. It also asks adapters for token detail
 * (alternatives' text and logprob) when the audit needs it: for every record (`detail: 'all'`,
 * the page's heat-map), or only for records that list alternatives (`'alternatives'`, the top-k
 * check), since detail costs an array or two per token even where there is nothing to keep.
 *
 * scoreRecord reads `name` after `decode`, for the record's format and for the prefix of an
 * error's reason, so `name` is the adapter that decoded the last record ('auto' when none did).
 */
export class TaggingAdapter implements FormatAdapter, FastPathAware {
  readonly description = 'detects the format per record and tags it for audits';
  private current: FormatName = 'auto' as FormatName;
  private readonly tags = new WeakMap<ScoredItem[], RecordTags>();
  /** Adapters whose last record listed alternatives (with `detail: 'alternatives'`): decoded with detail first. */
  private readonly detailedFirst = new Set<FormatAdapter>();

  constructor(
    private readonly options: {
      forced?: FormatAdapter;
      groupBy?: readonly string[];
      key?: readonly string[];
      /** Keep alternatives for every record ('all') or for records that list any ('alternatives'); none by default. */
      detail?: 'all' | 'alternatives';
    } = {},
  ) {}

  get name(): FormatName {
    return this.current;
  }

  /**
   * The fast path reads a record without parsing it, and its batches carry neither token texts
   * nor alternatives: so no heat-map to fill (it shows texts); `--group-by` and `--key` values
   * are read from the line's bytes (FieldKeyReader), or the line is parsed. For the top-k check, chat batches say instead whether
   * each token is among its alternatives (TokenBatch.listing); a record with top-k and no
   * listing (an xent sequence's rows, which the check compares by logprob) takes the full path.
   */
  fastPathUse(): FastPathUse | undefined {
    if (this.options.detail === 'all') return undefined;
    const use = fastPathFor(this.options.forced);
    if (use === undefined) return undefined;
    const check = this.options.detail === undefined ? undefined : checkable;
    const { groupBy, key } = this.options;
    if (groupBy === undefined && key === undefined) return check === undefined ? use : { shapes: use.shapes, listing: true, accepts: check };
    // The tags are read from the line's bytes; where they do not say, the record is parsed. The fast
    // record scanner sends a line with a repeated top-level key to the full path (FieldKeyReader's uniqueTopKeys).
    const groupReader = groupBy === undefined ? undefined : new FieldKeyReader(groupBy, keyOf, true);
    const keyReader = key === undefined ? undefined : new FieldKeyReader(key, keyOf, true);
    return {
      shapes: use.shapes,
      ...(check === undefined ? {} : { listing: true }),
      accepts: (record, buf, start, end) => {
        if (check !== undefined && !check(record)) return false;
        const tags: RecordTags = {};
        if (groupReader !== undefined) {
          const group = groupReader.read(buf, start, end);
          if (group === UNDECIDED) return false;
          tags.group = group;
        }
        if (keyReader !== undefined) {
          const value = keyReader.read(buf, start, end);
          if (value === UNDECIDED) return false;
          tags.key = value;
        }
        this.tags.set(record.items, tags);
        return true;
      },
    };
  }

  detect(record: unknown): boolean {
    return (this.options.forced ?? detectAdapter(record)) !== undefined;
  }

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    const adapter = this.options.forced ?? detectAdapter(record);
    if (adapter === undefined) {
      this.current = 'auto' as FormatName;
      throw new RecordError('UNKNOWN_FORMAT', unknownShapeReason(record));
    }
    this.current = adapter.name;
    const items = this.decodeWith(adapter, record, context);
    if (this.options.groupBy === undefined && this.options.key === undefined) return items; // tagsOf gives {}
    const tags: RecordTags = {};
    if (this.options.groupBy !== undefined) tags.group = keyOf(valueAtPath(record, this.options.groupBy));
    if (this.options.key !== undefined) tags.key = keyOf(valueAtPath(record, this.options.key));
    this.tags.set(items, tags);
    return items;
  }

  /**
   * With 'alternatives', a record is decoded with detail only when it lists alternatives. Most
   * dumps list them on every record or on none, so each adapter is asked the way its last record
   * needed, and a plain decode that meets alternatives is done again with detail (the same
   * record: the same items, plus the detail). A batch without top-k has no alternatives, so its
   * plain decode is the detailed one less arrays that would all be empty.
   */
  private decodeWith(adapter: FormatAdapter, record: unknown, context: DecodeContext): ScoredItem[] {
    const detail = this.options.detail;
    if (detail === undefined) return adapter.decode(record, context);
    if (detail === 'all' || this.detailedFirst.has(adapter)) {
      const items = adapter.decode(record, { ...context, detail: 'full' });
      if (detail === 'alternatives' && !listsAlternatives(items)) this.detailedFirst.delete(adapter);
      return items;
    }
    const items = adapter.decode(record, context);
    if (!listsAlternatives(items)) return items;
    this.detailedFirst.add(adapter);
    return adapter.decode(record, { ...context, detail: 'full' });
  }

  /** The tags of a decoded record's items (empty when the record was not decoded here). */
  tagsOf(items: ScoredItem[]): RecordTags {
    return this.tags.get(items) ?? {};
  }
}

/**
 * Alternatives are kept where top-k is (TokenBatchBuilder.setTopK): no top-k, nothing to keep.
 * That detail adds nothing else to a batch is checked for every adapter (test/helpers/decode-with-detail.ts).
 */
function listsAlternatives(items: readonly ScoredItem[]): boolean {
  for (const item of items) if (item.kind === 'tokens' && item.topK !== undefined) return true;
  return false;
}

/** Whether the top-k check can be made on a fast-path record: every batch with top-k has its listing. */
function checkable(record: ScoredRecord): boolean {
  for (const item of record.items) if (item.kind === 'tokens' && item.topK !== undefined && item.listing === undefined) return false;
  return true;
}
