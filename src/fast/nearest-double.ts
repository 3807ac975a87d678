/**
 * The double nearest to a decimal of 16–18 significant digits divided by a power of ten: what
 * JSON.parse gives for the full-precision reprs (17 digits: `-0.36651513950558016`) that Python
 * and vLLM print, where Clinger's one operation is not exact (the digits do not fit in 53 bits).
 *
 * The quotient computed in doubles is at most two units in the last place off. The exact
 * remainder says which way and by how much: with q = Q·2^E (2^52 ≤ Q < 2^53) and P = 10^s,
 *   w / P = (Q + D / (2·5^s)) · 2^E   where   D = w·2^-k − 2Q·5^s,  k = E − 1 + s,
 * so the nearest double is Q + n with n the nearest integer to D / (2·5^s), ties to even (as
 * JSON.parse rounds). D is small (a few units of 2·5^s) though both its terms are near 2^100,
 * so it is computed modulo 2^52 with exact integer doubles, and the residue is D. That holds up
 * to s = 21; from 22 to 44 (e-notation reprs of small logprobs) see farQuotient. Inputs outside
 * these ranges give NaN, and the caller parses the text instead (as it does for 19 digits and
 * more).
 */
export function nearestDouble(high: number, low: number, s: number): number {
  // w = high·10^8 + low, with high < 10^10: high·5^8 < 2^53 is exact, and so is its shift by 8.
  if (!(high < 1e10) || s < 1) return Number.NaN;
  if (s > MAX_S) return farQuotient(high, low, s);
  const scaled = high * 390625;
  const guess = (scaled * 256 + low) / (POW10[s] as number);
  WORD_F64[0] = guess;
  const top = WORD_U32[HIGH_WORD] as number;
  const biased = top >>> 20;
  // Subnormal or zero guesses (below 2^-1022) are left to the caller.
  if (biased === 0) return Number.NaN;
  const q = (top & 0xfffff) * TWO_32 + (WORD_U32[LOW_WORD] as number) + TWO_52;
  const e = biased - 1075;
  const k = e - 1 + s;
  // k > 0 is a quotient above about 2^52 (no logprob).
  if (k > 0) return Number.NaN;
  const alpha = -k;

  // D modulo 2^52. The guess is within about two units, so |D| ≤ 2.01·(2·5^s) < 2^51 for s ≤ 21,
  // and the residue in [−2^51, 2^51) is D itself. Every step below stays an exact integer double.
  // w·2^alpha = (high·5^8)·2^(8 + alpha) + low·2^alpha:
  const wide = lowBits(shiftedLowBits(scaled, 8 + alpha) + shiftedLowBits(low, alpha), 52);
  // Q·5^s mod 2^51 from 26-bit halves: Q1·P1·2^52 vanishes, the middle terms keep 25 bits.
  const q1 = Math.floor(q * TWO_M26);
  const q0 = q - q1 * TWO_26;
  const p1 = POW5_HIGH[s] as number;
  const p0 = POW5_LOW[s] as number;
  const middle = lowBits(lowBits(q1 * p0, 25) + lowBits(q0 * p1, 25), 25);
  const product = lowBits(middle * TWO_26 + q0 * p0, 51);
  let diff = lowBits(wide - 2 * product + TWO_52, 52);
  if (diff >= TWO_51) diff -= TWO_52;

  const unit = 2 * (POW5[s] as number);
  // n = nearest integer to diff / unit, ties to even (of Q + n).
  let n = Math.floor(diff / unit);
  let rem = diff - n * unit;
  while (rem < 0) {
    n--;
    rem += unit;
  }
  while (rem >= unit) {
    n++;
    rem -= unit;
  }
  const twice = 2 * rem;
  const up = twice > unit || (twice === unit && (q + n) % 2 !== 0);
  if (up) n++;
  // Never more than two units in practice; more would mean the residue was not D: decline.
  if (n > 3 || n < -3) return Number.NaN;
  const result = q + n;
  // Crossing a power of two changes the spacing the formula assumed: decline (rare). That
  // includes a value just below 2^52 units rounded up to it: below, the doubles are twice as dense.
  if (result < TWO_52 || result >= TWO_53 || (result === TWO_52 && up)) return Number.NaN;
  return result * (POW2_NEG[-e] as number);
}

/**
 * nearestDouble for s from 22 to 44 (fp32 logprobs of confident tokens: `-1.1920928244535389e-07`),
 * where 2·5^s no longer fits the residue above. Here the remainder r = w − guess·10^s is computed
 * to about 2^-25 (exact products by Dekker's split, 10^s as two doubles that sum to it exactly), so
 * r / (10^s·2^E) is the distance to the guess in units to about 2^-22, and the nearest integer to it
 * is certain unless it lies within 2^-16 of a half: those (ties among them) are declined.
 */
function farQuotient(high: number, low: number, s: number): number {
  if (s > MAX_FAR_S) return Number.NaN;
  const tables = (far ??= farTables());
  const ph = tables.high[s] as number;
  const pl = tables.low[s] as number;
  const wh = high * 390625 * 256;
  const guess = (wh + low) / ph;
  WORD_F64[0] = guess;
  const top = WORD_U32[HIGH_WORD] as number;
  const biased = top >>> 20;
  if (biased === 0) return Number.NaN;
  const q = (top & 0xfffff) * TWO_32 + (WORD_U32[LOW_WORD] as number) + TWO_52;
  const e = biased - 1075;
  // A quotient of 2^53 and more is no logprob; leave it to the caller.
  if (e > 0) return Number.NaN;
  // guess·ph = p + err exactly (Veltkamp's split into 26-bit halves).
  const p = guess * ph;
  let c = SPLITTER * guess;
  const gh = c - (c - guess);
  const gl = guess - gh;
  c = SPLITTER * ph;
  const hh = c - (c - ph);
  const hl = ph - hh;
  const err = gh * hh - p + gh * hl + gl * hh + gl * hl;
  // wh and p agree to within a few units of w (Sterbenz: their difference is exact).
  const r = wh - p + low - err - guess * pl;
  // In units of the guess's last place (2^e), and as the distance above the nearest half.
  const y = (r * (POW2[-e] as number)) / ph;
  const n = Math.floor(y + 0.5);
  const fromHalf = y + 0.5 - n;
  if (fromHalf < MARGIN || fromHalf > 1 - MARGIN || n > 3 || n < -3) return Number.NaN;
  const result = q + n;
  if (result < TWO_52 || result >= TWO_53 || (result === TWO_52 && y < 0)) return Number.NaN;
  return result * (POW2_NEG[-e] as number);
}

/** 10^s as two doubles that sum to it exactly (10^s = 5^s·2^s, and 5^44 < 2^106), built on first use. */
function farTables(): { high: Float64Array; low: Float64Array } {
  const high = new Float64Array(MAX_FAR_S + 1);
  const low = new Float64Array(MAX_FAR_S + 1);
  for (let i = 0; i <= MAX_FAR_S; i++) {
    const exact = 10n ** BigInt(i);
    const h = Number(exact);
    high[i] = h;
    low[i] = Number(exact - BigInt(h));
  }
  return { high, low };
}

/** x mod 2^j, for a non-negative integer x below 2^53 (scaling by powers of two is exact). */
function lowBits(x: number, j: number): number {
  return x - Math.floor(x * (POW2_NEG[j] as number)) * (POW2[j] as number);
}

/** x·2^t mod 2^52, for a non-negative integer x below 2^53. */
function shiftedLowBits(x: number, t: number): number {
  return t >= 52 ? 0 : lowBits(x, 52 - t) * (POW2[t] as number);
}

/** Powers built by exact steps (each a double), not by `**`, whose rounding is the engine's. */
function powers(base: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let x = 1;
  for (let i = 0; i < count; i++, x *= base) out[i] = x;
  return out;
}

/** 4·5^21 < 2^51, the residue's range (see above); 5^22 would not fit. */
const MAX_S = 21;
/** farQuotient's range: 10^s is two doubles exactly while 5^s < 2^106. */
const MAX_FAR_S = 44;
const MARGIN = 2 ** -16;
/** 2^27 + 1: Veltkamp's splitter for doubles. */
const SPLITTER = 134217729;
let far: { high: Float64Array; low: Float64Array } | undefined;
const TWO_26 = 2 ** 26;
const TWO_M26 = 2 ** -26;
const TWO_32 = 2 ** 32;
const TWO_51 = 2 ** 51;
const TWO_52 = 2 ** 52;
const TWO_53 = 2 ** 53;
/** 2^i up to 2^1023 (doubling is exact). */
const POW2 = powers(2, 1024);
/** 2^-i for i up to 1074 (halving is exact down to the smallest subnormal). */
const POW2_NEG = powers(0.5, 1075);
const POW5 = powers(5, MAX_S + 1);
const POW5_HIGH = POW5.map((p) => Math.floor(p / TWO_26));
const POW5_LOW = POW5.map((p) => p - Math.floor(p / TWO_26) * TWO_26);
const POW10 = powers(10, MAX_S + 1);
const WORD_F64 = new Float64Array(1);
const WORD_U32 = new Uint32Array(WORD_F64.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW_WORD = 1 - HIGH_WORD;
