/**
 * Which sequence ids have been seen, to count duplicates in one pass. Keeping the ids themselves
 * would cost their full length each; this keeps a 53-bit hash of each in an open-addressing
 * Float64Array: 8 bytes a slot at load ≤ 1/2, so about 16 bytes per distinct sequence whatever
 * the id's length. Two different ids collide with probability about n²/2⁵⁴ (under 1e-3 at 10⁸
 * sequences), which would count one false duplicate.
 */
export class SeenIds {
  private table = new Float64Array(1024);
  private used = 0;

  get size(): number {
    return this.used;
  }

  /** Records the id; returns true when it had been seen before. */
  add(id: string): boolean {
    const h = hash53(id);
    if (this.used * 2 >= this.table.length) this.grow();
    const fresh = insert(this.table, h);
    if (fresh) this.used++;
    return !fresh;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    for (const h of old) if (h !== 0) insert(this.table, h);
  }
}

/** Inserts h (≠ 0); returns false when it was already there. */
function insert(table: Float64Array, h: number): boolean {
  const mask = table.length - 1;
  let i = (h % table.length) & mask;
  for (;;) {
    const slot = table[i] as number;
    if (slot === 0) {
      table[i] = h;
      return true;
    }
    if (slot === h) return false;
    i = (i + 1) & mask;
  }
}

/** Two FNV-1a variants over UTF-16 code units, combined into 1 + a 53-bit integer (0 marks an empty slot). */
function hash53(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 11) * 4294967296 + (b >>> 0) + 1;
}
