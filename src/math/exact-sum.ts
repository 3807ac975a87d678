/**
 * Exact floating-point summation: Shewchuk's non-overlapping partials, the algorithm behind
 * Python's `math.fsum`. It is stronger than Neumaier's compensated sum: the state represents
 * the sum exactly, so the value is the correctly rounded sum whatever the order of additions,
 * and merging two sums is exact too. That is what makes a sharded or resumed run agree with a
 * single pass to the last bit.
 *
 * A long sum of logprobs keeps 10–25 partials (their 53-bit mantissas start at every bit
 * position), and each Shewchuk add walks all of them: about 65–100 ns an add, measured, which
 * made exact sums the largest cost of a report. So once a sum has taken LIMB_SWITCH adds, further
 * finite terms go to a fixed-point accumulator instead (a Kulisch accumulator): every double is
 * m·2^q with an integer m < 2^53, so it is added exactly as three 32-bit pieces into integer
 * limbs (kept in a Float64Array, which holds integers exactly below 2^53), at a constant ~12 ns.
 * The limbs are folded back into the partials, exactly, whenever the sum is read, merged or
 * serialised, and before the limbs could outgrow 2^53. Either way the state is the exact sum, so
 * values, merges and checkpoints are the same as with partials alone.
 *
 * In front of the limbs, terms of moderate size (|x| ≤ 2^14: every logprob, its square and
 * every top-k figure in practice) are split without looking at their bits, into three pieces on
 * fixed grids, each summed in a plain double that stays exact (see addSplit): about half the
 * cost of a limb add, measured. Only a piece below 2^-87 (from terms under about 3e-11) goes on
 * to the limbs. The three doubles are emptied into the limbs before they could round and
 * whenever the limbs are folded.
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

/** Adds in partials mode after which a sum switches to limbs (short sums never pay for them). */
const LIMB_SWITCH = 128;
/** Limb k weighs 2^(32k − 1074): limb 0 holds the smallest subnormal. */
const LIMBS = 64;
/** Terms of 2^877 and more skip the limbs, so that a folded limb can never overflow a double. */
const MAX_LIMB_EXPONENT = 1023 + 877;
/** Each add puts less than 2^33 into a limb; fold before 2^20 adds could reach 2^53. */
const MAX_LIMB_ADDS = 1 << 20;
/**
 * The split tier (addSplit). Grid k's pieces are multiples of 2^(e_k − 53) where SPLIT_k = 2^e_k;
 * a double holds any multiple of that grid up to 2^e_k exactly, and SPLIT_ADDS pieces of at most
 * SPLIT_MAX (grid 1) or the previous grid's remainder (grids 2, 3) stay below it: 2^18 · 2^14 <
 * 2^34, 2^18 · 2^-19 < 2^0, 2^18 · 2^-53 < 2^-34.
 */
const SPLIT_MAX = 2 ** 14;
const SPLIT_ADDS = 1 << 18;
const SPLIT_1 = 2 ** 34;
const SPLIT_2 = 2 ** 0;
const SPLIT_3 = 2 ** -34;
const LIMB_WEIGHT = Float64Array.from({ length: LIMBS }, (_, k) => 2 ** (32 * k - 1074));
/** Reads a double's bits without allocating. */
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW_WORD = 1 - HIGH_WORD;

export class ExactSum {
  private partials = new Float64Array(4);
  private count = 0;
  private posInf = 0;
  private negInf = 0;
  private nan = 0;
  private partialAdds = 0;
  private limbs: Float64Array | undefined;
  /** Lowest and highest limb written since the last fold (the range a fold must visit). */
  private limbLow = LIMBS;
  private limbHigh = -1;
  private limbAdds = 0;
  /** The split tier's three sums (exact multiples of their grids) and its adds since they were emptied. */
  private split1 = 0;
  private split2 = 0;
  private split3 = 0;
  private splitAdds = 0;

  add(x: number): void {
    if (this.limbs !== undefined) {
      // NaN and ±Infinity fail the comparison too.
      if (Math.abs(x) <= SPLIT_MAX) this.addSplit(x);
      else this.addToLimbs(this.limbs, x);
      return;
    }
    this.addToPartials(x);
    if (++this.partialAdds === LIMB_SWITCH) this.limbs = new Float64Array(LIMBS);
  }

  /** Adds every element of an array. */
  addAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.add(values[i] as number);
  }

  /** Adds another exact sum, exactly. */
  merge(other: ExactSum): void {
    other.fold();
    for (let j = 0; j < other.count; j++) this.add(other.partials[j] as number);
    this.posInf += other.posInf;
    this.negInf += other.negInf;
    this.nan += other.nan;
  }

  /** Empties the sum, keeping its buffers (for a scratch sum reused batch after batch). */
  clear(): void {
    this.split1 = 0;
    this.split2 = 0;
    this.split3 = 0;
    this.splitAdds = 0;
    if (this.limbs !== undefined) {
      for (let k = this.limbLow; k <= this.limbHigh; k++) this.limbs[k] = 0;
      this.limbLow = LIMBS;
      this.limbHigh = -1;
      this.limbAdds = 0;
    }
    this.count = 0;
    this.posInf = 0;
    this.negInf = 0;
    this.nan = 0;
  }

  /** The correctly rounded value of the sum (round-half-even, as math.fsum). */
  value(): number {
    this.fold();
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
    this.fold();
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

  private addToPartials(x: number): void {
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

  /**
   * x = m·2^(p − 1074) with m = mh·2^32 + ml (mh < 2^21, ml < 2^32) and p the position of m's
   * lowest bit above the smallest subnormal. Shifted by r = p mod 32, m spans three 32-bit limbs
   * from k = ⌊p/32⌋, all computed with integer shifts: no rounding anywhere.
   */
  private addToLimbs(limbs: Float64Array, x: number): void {
    BITS_F64[0] = x;
    const hi = BITS_U32[HIGH_WORD] as number;
    const ml = BITS_U32[LOW_WORD] as number;
    const e = (hi >>> 20) & 0x7ff;
    if (e >= MAX_LIMB_EXPONENT || (e === 0 && x === 0)) {
      // Non-finite, huge or zero: the partials handle them as they always did.
      this.addToPartials(x);
      return;
    }
    let mh = hi & 0xfffff;
    let p = 0;
    if (e !== 0) {
      mh |= 0x100000;
      p = e - 1;
    }
    const k = p >>> 5;
    const r = p & 31;
    // Shifting by 32 − r in two steps gives 0 for r = 0 (a JS shift count is taken mod 32).
    const low = (ml << r) >>> 0;
    const middle = ((mh << r) >>> 0) + ((ml >>> (31 - r)) >>> 1);
    const top = (mh >>> (31 - r)) >>> 1;
    if (hi >>> 31 === 0) {
      limbs[k] = (limbs[k] as number) + low;
      limbs[k + 1] = (limbs[k + 1] as number) + middle;
      limbs[k + 2] = (limbs[k + 2] as number) + top;
    } else {
      limbs[k] = (limbs[k] as number) - low;
      limbs[k + 1] = (limbs[k + 1] as number) - middle;
      limbs[k + 2] = (limbs[k + 2] as number) - top;
    }
    if (k < this.limbLow) this.limbLow = k;
    if (k + 2 > this.limbHigh) this.limbHigh = k + 2;
    if (++this.limbAdds === MAX_LIMB_ADDS) this.fold();
  }

  /**
   * x (|x| ≤ 2^14) as three pieces on fixed grids plus a remainder, all exact: for σ = 2^e and
   * |x| ≤ σ/2, q = (σ + x) − σ is exact (Sterbenz: σ + x is within a factor 2 of σ) and a multiple
   * of 2^(e − 53), and x − q is the rounding error of σ + x, which a double always holds, with
   * |x − q| ≤ 2^(e − 53). Three such steps cover 2^14 down to 2^-87; what is left (nonzero only
   * for terms below about 3e-11) goes to the limbs.
   */
  private addSplit(x: number): void {
    let q = SPLIT_1 + x - SPLIT_1;
    this.split1 += q;
    let r = x - q;
    q = SPLIT_2 + r - SPLIT_2;
    this.split2 += q;
    r -= q;
    q = SPLIT_3 + r - SPLIT_3;
    this.split3 += q;
    r -= q;
    if (r !== 0) this.addToLimbs(this.limbs as Float64Array, r);
    if (++this.splitAdds === SPLIT_ADDS) this.emptySplit();
  }

  /** Moves the split tier's sums into the limbs (exact doubles, added exactly). */
  private emptySplit(): void {
    const limbs = this.limbs as Float64Array;
    const a = this.split1;
    const b = this.split2;
    const c = this.split3;
    this.split1 = 0;
    this.split2 = 0;
    this.split3 = 0;
    this.splitAdds = 0;
    if (a !== 0) this.addToLimbs(limbs, a);
    if (b !== 0) this.addToLimbs(limbs, b);
    if (c !== 0) this.addToLimbs(limbs, c);
  }

  /** Moves the split tier and the limbs into the partials: each limb times its weight is an exact double. */
  private fold(): void {
    const limbs = this.limbs;
    if (limbs === undefined) return;
    if (this.splitAdds > 0) this.emptySplit();
    if (this.limbHigh < 0) return;
    for (let k = this.limbLow; k <= this.limbHigh; k++) {
      const v = limbs[k] as number;
      if (v !== 0) {
        limbs[k] = 0;
        this.addToPartials(v * (LIMB_WEIGHT[k] as number));
      }
    }
    this.limbLow = LIMBS;
    this.limbHigh = -1;
    this.limbAdds = 0;
  }
}
