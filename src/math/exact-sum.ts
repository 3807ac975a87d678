/**
 * Exact floating-point summation: Shewchuk's non-overlapping partials, the algorithm behind
 * Python's `math.fsum`. It is stronger than Neumaier's compensated sum: the state represents
 * the sum exactly, so the value is the correctly rounded sum whatever the order of additions,
 * and merging two sums is exact too. That is what makes a sharded or resumed run agree with a
 * single pass to the last bit. Typical NLL data keeps 1–3 partials, so an add costs a few flops.
 *
 * ±Infinity and NaN are kept beside the partials (as fsum does) so the finite part stays exact.
 */
export interface ExactSumState {
  partials: number[];
  /** Counts of +Infinity, −Infinity and NaN terms. */
  posInf: number;
  negInf: number;
  nan: number;
}

export class ExactSum {
  private partials = new Float64Array(4);
  private count = 0;
  private posInf = 0;
  private negInf = 0;
  private nan = 0;

  add(x: number): void {
    if (!Number.isFinite(x)) {
      if (x === Number.POSITIVE_INFINITY) this.posInf++;
      else if (x === Number.NEGATIVE_INFINITY) this.negInf++;
      else this.nan++;
      return;
    }
    // Zero changes nothing (and −0 must not make an empty sum print as −0).
    if (x === 0) return;
    // Partials live in a Float64Array with an explicit count: resizing a JS array on every add
    // cost more than the arithmetic (measured with --cpu-prof on a 100 MB dump).
    let partials = this.partials;
    const n = this.count;
    let i = 0;
    for (let j = 0; j < n; j++) {
      let y = partials[j] as number;
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      if (hi === Number.POSITIVE_INFINITY || hi === Number.NEGATIVE_INFINITY) {
        // The running total overflowed: no finite partials can represent it.
        this.count = 0;
        if (hi > 0) this.posInf++;
        else this.negInf++;
        return;
      }
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    if (i === partials.length) {
      const grown = new Float64Array(partials.length * 2);
      grown.set(partials);
      this.partials = partials = grown;
    }
    partials[i] = x;
    this.count = i + 1;
  }

  /** Adds every element of an array. */
  addAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i] as number);
  }

  /** Adds another exact sum, exactly. */
  merge(other: ExactSum): void {
    for (let j = 0; j < other.count; j++) this.add(other.partials[j] as number);
    this.posInf += other.posInf;
    this.negInf += other.negInf;
    this.nan += other.nan;
  }

  /** The correctly rounded value of the sum (round-half-even, as math.fsum). */
  value(): number {
    if (this.nan > 0 || (this.posInf > 0 && this.negInf > 0)) return Number.NaN;
    if (this.posInf > 0) return Number.POSITIVE_INFINITY;
    if (this.negInf > 0) return Number.NEGATIVE_INFINITY;
    const partials = this.partials;
    let n = this.count;
    if (n === 0) return 0;
    let hi = partials[--n] as number;
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = partials[--n] as number;
      hi = x + y;
      const yr = hi - x;
      lo = y - yr;
      if (lo !== 0) break;
    }
    // Round half to even across partials, exactly as CPython's fsum does.
    if (n > 0 && ((lo < 0 && (partials[n - 1] as number) < 0) || (lo > 0 && (partials[n - 1] as number) > 0))) {
      const y = lo * 2;
      const x = hi + y;
      const yr = x - hi;
      if (y === yr) hi = x;
    }
    return hi;
  }

  clone(): ExactSum {
    return ExactSum.fromJSON(this.toJSON());
  }

  toJSON(): ExactSumState {
    return { partials: Array.from(this.partials.subarray(0, this.count)), posInf: this.posInf, negInf: this.negInf, nan: this.nan };
  }

  static fromJSON(state: ExactSumState): ExactSum {
    const s = new ExactSum();
    s.partials = new Float64Array(Math.max(4, state.partials.length * 2));
    s.partials.set(state.partials);
    s.count = state.partials.length;
    s.posInf = state.posInf;
    s.negInf = state.negInf;
    s.nan = state.nan;
    return s;
  }
}
