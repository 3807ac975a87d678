/**
 * An independent reference for exact sums: every finite double is m·2^e with integer m, so a
 * sum can be done in BigInt at a common scale and rounded once (Number(bigint) rounds to
 * nearest, ties to even). Slow and obviously right; used only in tests.
 */
export function exactSumReference(values: readonly number[]): number {
  const parts = values.filter((x) => x !== 0).map(decompose);
  if (parts.length === 0) return 0;
  const minExp = Math.min(...parts.map((p) => p.exp));
  let total = 0n;
  for (const p of parts) total += p.mantissa << BigInt(p.exp - minExp);
  return scaleToNumber(total, minExp);
}

function decompose(x: number): { mantissa: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  return { mantissa: sign * mantissa, exp };
}

/** Rounds total·2^exp to the nearest double, ties to even. */
function scaleToNumber(total: bigint, exp: number): number {
  if (total === 0n) return 0;
  const negative = total < 0n;
  let m = negative ? -total : total;
  let e = exp;
  // Keep 64 significant bits plus a sticky bit, so Number() rounds once, correctly.
  const bits = m.toString(2).length;
  if (bits > 64) {
    const shift = BigInt(bits - 64);
    const sticky = (m & ((1n << shift) - 1n)) !== 0n ? 1n : 0n;
    m = (m >> shift) | sticky;
    e += bits - 64;
  }
  const value = Number(m) * 2 ** e;
  return negative ? -value : value;
}
