/**
 * Copies of scanned columns carved out of one large Float64Array: a batch's logprobs as a view
 * into a shared slab instead of a fresh array of its own. A fresh typed array is a backing store
 * of its own (an allocation outside the JS heap, tracked and swept by the GC); a view is a small
 * object. Profiled on the flat shape: `slice` per record was about a tenth of the scan.
 *
 * Views are never written after they are handed out, and a slab is never reused: a full one is
 * dropped, and lives on only while some batch still refers to it. So a consumer may keep a batch as
 * long as it likes, at the cost of pinning that slab (a bounded SLAB_DOUBLES doubles) meanwhile.
 */
export class ColumnArena {
  private slab = new Float64Array(SLAB_DOUBLES);
  private used = 0;

  /** A copy of the first n values of `from`. */
  copy(from: Float64Array, n: number): Float64Array {
    // A long column gets an array of its own, so that a slab is never mostly slack.
    if (n > LARGEST) return from.slice(0, n);
    if (this.used + n > SLAB_DOUBLES) {
      this.slab = new Float64Array(SLAB_DOUBLES);
      this.used = 0;
    }
    const start = this.used;
    this.used = start + n;
    const view = this.slab.subarray(start, start + n);
    view.set(n === from.length ? from : from.subarray(0, n));
    return view;
  }
}

/** 64 Ki doubles: 512 KiB, a few hundred ordinary records. */
const SLAB_DOUBLES = 1 << 16;
const LARGEST = SLAB_DOUBLES >> 3;
