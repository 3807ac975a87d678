import type { BadRecord, RecordOrigin } from '../aggregate/corpus-accumulator.js';
import type { ScoredItem } from '../formats/scored-batch.js';
import { AuditGroup } from './audit-group.js';
import type { AuditOptions } from './audit-options.js';
import { SeenIds } from './seen-ids.js';
import type { RecordTags } from './tagging-adapter.js';

/**
 * The whole audit: the corpus-wide AuditGroup, and with `--group-by` one AuditGroup per group
 * value. Group values come from untrusted records, so they live in a Map (a value such as
 * `__proto__` or `constructor` is an ordinary key) under a null key for "absent", and after
 * `maxGroups` distinct values the rest share one overflow group instead of growing without bound.
 *
 * Sequences are keyed by input and id, so two files read at once never mix; an id met again after
 * its sequence began (in any file) is a duplicate.
 */
export class AuditAccumulator {
  readonly overall: AuditGroup;
  readonly groups = new Map<string | null, AuditGroup>();
  overflow: AuditGroup | undefined;
  badRecords = 0;
  readonly badExamples: BadRecord[] = [];
  failedRequests = 0;
  private readonly sequenceGroup = new Map<string, AuditGroup>();
  private readonly seen = new SeenIds();

  /**
   * `reread`: the inputs whose heat-map tokens the second pass reads again (see DetailSpans); the
   * others keep their tokens as they go.
   */
  constructor(
    readonly options: AuditOptions,
    readonly grouped: boolean,
    private readonly reread: ReadonlySet<number> = new Set(),
  ) {
    this.overall = new AuditGroup(options);
  }

  /** The items decoded from one record of input `input` (an index), with its tags. */
  add(items: readonly ScoredItem[], origin: RecordOrigin, input: number, tags: RecordTags = {}): void {
    const group = this.grouped ? this.groupFor(tags.group ?? null) : undefined;
    this.overall.records++;
    if (group !== undefined) group.records++;
    let positions = 0;
    let other = false;
    let closing: string[] | undefined;
    for (const item of items) {
      if (item.kind !== 'tokens') {
        if (item.kind === 'failed-request') this.failedRequests++;
        other = true;
        continue;
      }
      positions += item.logprobs.length + item.unscored;
      if (this.options.segment !== 'all' && item.segment !== this.options.segment) continue;
      const key = `${input}\u0000${item.sequenceId}`;
      if (!this.overall.open.has(key)) {
        if (this.seen.add(item.sequenceId)) {
          const example = {
            kind: 'duplicate_id' as const,
            file: origin.file,
            line: origin.line,
            element: origin.element,
            sequence: item.sequenceId,
            detail: `sequence id ${JSON.stringify(item.sequenceId)} was seen before`,
          };
          this.overall.anomaly(example);
          group?.anomaly(example);
        }
        if (group !== undefined) this.sequenceGroup.set(key, group);
      }
      const reread = this.reread.has(input) ? input : undefined;
      this.overall.addBatch(key, item, origin, reread);
      this.sequenceGroup.get(key)?.addBatch(key, item, origin, reread);
      if (item.final) (closing ??= []).push(key);
    }
    // A non-final streaming chunk without tokens (a role-only delta) is normal; a record that ends
    // a sequence, or yields nothing at all, without a single logprob is not.
    if (positions === 0 && !other && (items.length === 0 || items.some((i) => i.kind === 'tokens' && i.final))) {
      const example = { kind: 'no_logprobs' as const, ...origin, detail: 'the record has no log-probabilities' };
      this.overall.anomaly(example);
      group?.anomaly(example);
    }
    if (closing !== undefined) for (const key of closing) this.close(key);
  }

  addBadRecord(bad: BadRecord): void {
    this.badRecords++;
    if (this.badExamples.length < Math.max(20, this.options.examples)) this.badExamples.push(bad);
    if (bad.code === 'INVALID_LOGPROB') {
      const { file, line, element } = bad;
      this.overall.anomaly({ kind: 'invalid_logprob', file, line, element, detail: bad.reason });
    }
  }

  /** The end of input `input` ends every sequence still open in it. */
  finishInput(input: number): void {
    const prefix = `${input}\u0000`;
    for (const key of [...this.overall.open.keys()]) if (key.startsWith(prefix)) this.close(key);
  }

  /** Groups in first-seen order, the overflow group last. */
  groupList(): { group: string | null; overflow: boolean; audit: AuditGroup }[] {
    const out = [...this.groups].map(([group, audit]) => ({ group, overflow: false, audit }));
    if (this.overflow !== undefined) out.push({ group: null, overflow: true, audit: this.overflow });
    return out;
  }

  private close(key: string): void {
    this.overall.close(key);
    const group = this.sequenceGroup.get(key);
    if (group !== undefined) {
      group.close(key);
      this.sequenceGroup.delete(key);
    }
  }

  private groupFor(value: string | null): AuditGroup {
    let group = this.groups.get(value);
    if (group !== undefined) return group;
    if (this.groups.size >= this.options.maxGroups) return (this.overflow ??= new AuditGroup(this.options));
    group = new AuditGroup(this.options);
    this.groups.set(value, group);
    return group;
  }
}
