import type { RecordOrigin } from '../formats/record-outcome.js';
import type { ScoredItem } from '../formats/scored-batch.js';
import type { AccumulatorState } from './corpus-state.js';
import { accumulatorStateProblem } from './corpus-state.js';

/** What GroupFigures needs of an accumulator (CorpusAccumulator; a type, so this file does not import it back). */
export interface GroupAccumulator {
  add(items: readonly ScoredItem[], origin: RecordOrigin, format: string): void;
  merge(other: GroupAccumulator): void;
  finish(): void;
  toJSON(): AccumulatorState;
}

/** Makes a group's accumulator, empty or from a saved state. */
export type GroupAccumulatorFactory<A extends GroupAccumulator> = (state?: AccumulatorState) => A;

/** The saved state of GroupFigures (in the daemon's checkpoints). */
export interface GroupFiguresState {
  /** `[value, state]` in the order the groups were first seen; value null: records without the field. */
  groups: [string | null, AccumulatorState][];
  /** Records whose group came after `max` distinct groups were already kept. */
  overflow: AccumulatorState | null;
}

/** One group's figures as reported: `group` null and `overflow` false is "records without the field". */
export interface GroupEntry<A> {
  group: string | null;
  overflow: boolean;
  accumulator: A;
}

/**
 * Figures per value of a record field (`xent watch --group-by model`): one accumulator per
 * distinct value, at most `max` of them, later values sharing one overflow accumulator, so memory
 * stays bounded however many values the records hold. Values are untrusted and kept in a Map
 * (`__proto__` is an ordinary group). The groups partition the good records: every record that
 * counts in the corpus counts in exactly one group, so the groups' token and NLL sums add up to
 * the corpus's. Bad records are not grouped (a record that cannot be read has no field to read).
 */
export class GroupFigures<A extends GroupAccumulator> {
  readonly groups = new Map<string | null, A>();
  overflow: A | undefined;

  constructor(
    readonly max: number,
    private readonly make: GroupAccumulatorFactory<A>,
  ) {}

  add(group: string | null, items: readonly ScoredItem[], origin: RecordOrigin, format: string): void {
    this.accumulatorFor(group).add(items, origin, format);
  }

  /** Folds another GroupFigures in: a group by its value (or, past `max`, into the overflow), the overflows together. */
  merge(other: GroupFigures<A>): void {
    for (const [group, accumulator] of other.groups) this.accumulatorFor(group).merge(accumulator);
    if (other.overflow !== undefined) (this.overflow ??= this.make()).merge(other.overflow);
  }

  finish(): void {
    for (const accumulator of this.groups.values()) accumulator.finish();
    this.overflow?.finish();
  }

  /** Groups in the order first seen, the overflow last. */
  entries(): GroupEntry<A>[] {
    const out: GroupEntry<A>[] = [...this.groups].map(([group, accumulator]) => ({ group, overflow: false, accumulator }));
    if (this.overflow !== undefined) out.push({ group: null, overflow: true, accumulator: this.overflow });
    return out;
  }

  toJSON(): GroupFiguresState {
    return {
      groups: [...this.groups].map(([group, accumulator]) => [group, accumulator.toJSON()]),
      overflow: this.overflow?.toJSON() ?? null,
    };
  }

  /** Reads a saved state back; throws a TypeError naming what is wrong with one of another shape. */
  static fromJSON<A extends GroupAccumulator>(state: GroupFiguresState, max: number, make: GroupAccumulatorFactory<A>): GroupFigures<A> {
    const problem = groupFiguresStateProblem(state);
    if (problem !== undefined) throw new TypeError(problem);
    const figures = new GroupFigures(max, make);
    for (const [group, saved] of state.groups) figures.accumulatorFor(group).merge(make(saved));
    if (state.overflow !== null) (figures.overflow ??= make()).merge(make(state.overflow));
    return figures;
  }

  private accumulatorFor(group: string | null): A {
    let accumulator = this.groups.get(group);
    if (accumulator !== undefined) return accumulator;
    if (this.groups.size >= this.max) return (this.overflow ??= this.make());
    accumulator = this.make();
    this.groups.set(group, accumulator);
    return accumulator;
  }
}

function groupFiguresStateProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'the group figures state is not an object';
  const { groups, overflow } = value as Record<string, unknown>;
  if (!Array.isArray(groups)) return 'the group figures state has no groups list';
  for (const entry of groups) {
    if (!Array.isArray(entry) || entry.length !== 2 || (entry[0] !== null && typeof entry[0] !== 'string')) {
      return 'a group in the group figures state is not a [value, state] pair';
    }
    const problem = accumulatorStateProblem(entry[1]);
    if (problem !== undefined) return `group ${JSON.stringify(entry[0])}: ${problem}`;
  }
  if (overflow !== null) {
    const problem = accumulatorStateProblem(overflow);
    if (problem !== undefined) return `the overflow group: ${problem}`;
  }
  return undefined;
}
