/**
 * The K items with the largest score seen so far, in O(K) memory: a min-heap whose root is the
 * weakest item kept, so each offer costs O(log K) at most and O(1) when it does not get in.
 * Ties keep the item offered first, so the result does not depend on heap internals.
 */
export class BoundedHeap<T> {
  private readonly items: { score: number; order: number; value: T }[] = [];
  private offered = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`Expected \`capacity\` to be an integer from 0 and up, got ${capacity}`);
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Offers an item; NaN scores never get in. Returns true when it was kept (for now). */
  offer(value: T, score: number): boolean {
    if (Number.isNaN(score) || this.capacity === 0) return false;
    const entry = { score, order: this.offered++, value };
    const items = this.items;
    if (items.length < this.capacity) {
      items.push(entry);
      this.up(items.length - 1);
      return true;
    }
    const root = items[0] as (typeof items)[number];
    if (!weaker(root, entry)) return false;
    items[0] = entry;
    this.down(0);
    return true;
  }

  /** Would an item with this score get in? (Lets callers skip building it.) */
  admits(score: number): boolean {
    if (Number.isNaN(score) || this.capacity === 0) return false;
    if (this.items.length < this.capacity) return true;
    return score > (this.items[0] as { score: number }).score;
  }

  /** Highest score first. */
  sorted(): T[] {
    return this.items
      .slice()
      .sort((a, b) => (weaker(a, b) ? 1 : weaker(b, a) ? -1 : 0))
      .map((e) => e.value);
  }

  /** Scored entries, for merging into another heap. */
  entries(): { value: T; score: number }[] {
    return this.items.map(({ value, score }) => ({ value, score }));
  }

  private up(i: number): void {
    const items = this.items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!weaker(items[i] as (typeof items)[number], items[parent] as (typeof items)[number])) break;
      [items[i], items[parent]] = [items[parent] as (typeof items)[number], items[i] as (typeof items)[number]];
      i = parent;
    }
  }

  private down(i: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && weaker(items[l] as (typeof items)[number], items[m] as (typeof items)[number])) m = l;
      if (r < items.length && weaker(items[r] as (typeof items)[number], items[m] as (typeof items)[number])) m = r;
      if (m === i) return;
      [items[i], items[m]] = [items[m] as (typeof items)[number], items[i] as (typeof items)[number]];
      i = m;
    }
  }
}

/** a ranks below b: a lower score, or the same score offered later. */
function weaker(a: { score: number; order: number }, b: { score: number; order: number }): boolean {
  return a.score < b.score || (a.score === b.score && a.order > b.order);
}
