import { ExactSum, type ExactSumState } from '../math/exact-sum.js';
import {
  bitsPerByte,
  crossEntropy,
  natsToBits,
  perplexity,
  standardError,
  topKEntropyBounds,
} from '../math/metrics.js';
import { SENTINEL_KINDS, sentinelIndex, type SentinelKind } from '../math/sentinels.js';
import type { TokenBatch } from '../formats/scored-batch.js';

export interface TokenStatsOptions {
  /** 'exclude' drops sentinel tokens from every sum (they are still counted). */
  sentinels: 'include' | 'exclude';
  /** Vocabulary size, for the upper bound on top-k entropy. */
  vocabSize?: number;
}

export interface TokenStatsState {
  tokens: number;
  nll: ExactSumState;
  nllSquares: ExactSumState;
  unscored: number;
  sentinels: number[];
  sentinelsExcluded: number;
  bytesTokens: number;
  bytes: number;
  bytesNll: ExactSumState;
  entropyTokens: number;
  entropy: ExactSumState;
  entropyBits: ExactSumState;
  topKTokens: number;
  topKMass: ExactSumState;
  topKMassAboveOne: number;
  topKLower: ExactSumState;
  topKUpper: ExactSumState;
}

/** Figures over a set of scored tokens, as they appear in every report (corpus, segment, file). */
export interface TokenMetrics {
  tokens: number;
  nll: number;
  cross_entropy: number;
  perplexity: number;
  bits_per_token: number;
  /** Standard error of the cross-entropy (nats), over tokens. */
  standard_error: number;
  unscored: number;
  sentinels: Record<SentinelKind, number>;
  sentinels_excluded: number;
  bytes?: number;
  bits_per_byte?: number;
  /** Scored tokens whose byte length was known (bits_per_byte is over these). */
  tokens_with_bytes?: number;
  mean_entropy?: number;
  mean_entropy_bits?: number;
  entropy_tokens?: number;
  top_k?: {
    tokens: number;
    mean_mass: number;
    mass_above_one: number;
    entropy_lower: number;
    entropy_upper?: number;
  };
}

/**
 * Servers print logprobs to about 8 significant digits, so a list that truly sums to 1 can come
 * out up to ~1e-7 above it; only excess beyond this is counted as "mass above one".
 */
export const TOP_K_MASS_TOLERANCE = 1e-6;

/** See TokenStats.add: reused by every batch (adds are synchronous, so nothing interleaves). */
const BATCH_NLL = new ExactSum();

/** Running sums over scored tokens. Pure: no I/O. Serialises exactly. */
export class TokenStats {
  tokens = 0;
  nll = new ExactSum();
  nllSquares = new ExactSum();
  unscored = 0;
  sentinels = [0, 0, 0, 0];
  sentinelsExcluded = 0;
  bytesTokens = 0;
  bytes = 0;
  bytesNll = new ExactSum();
  entropyTokens = 0;
  entropy = new ExactSum();
  entropyBits = new ExactSum();
  topKTokens = 0;
  topKMass = new ExactSum();
  topKMassAboveOne = 0;
  topKLower = new ExactSum();
  topKUpper = new ExactSum();

  /**
   * Adds a batch; `batchNll` receives the batch's NLL exactly so the caller can fold it into the
   * sequence without a second pass. Returns the number of tokens counted.
   */
  add(batch: TokenBatch, options: TokenStatsOptions, batchNll: ExactSum): number {
    const { logprobs, bytes, entropy, entropyBits, topK } = batch;
    const exclude = options.sentinels === 'exclude';
    // The batch's NLL goes through one reused scratch sum: a fresh ExactSum per batch would walk
    // its growing partials on every add, and the scratch keeps its fixed-point limbs across batches.
    const scratch = BATCH_NLL;
    scratch.clear();
    const squares = this.nllSquares;
    let counted = 0;
    this.unscored += batch.unscored;
    for (let i = 0; i < logprobs.length; i++) {
      const x = logprobs[i] as number;
      // Every sentinel is ≤ −100, so most tokens skip the lookup.
      if (x <= -100) {
        const s = sentinelIndex(x);
        if (s >= 0) {
          this.sentinels[s] = (this.sentinels[s] as number) + 1;
          if (exclude) {
            this.sentinelsExcluded++;
            continue;
          }
        }
      }
      counted++;
      scratch.add(-x);
      squares.add(x * x);
      if (bytes !== undefined) {
        const b = bytes[i] as number;
        if (b === b) {
          this.bytesTokens++;
          this.bytes += b;
          this.bytesNll.add(-x);
        }
      }
      if (entropy !== undefined && entropyBits !== undefined) {
        const h = entropy[i] as number;
        if (h === h) {
          this.entropyTokens++;
          this.entropy.add(h);
          this.entropyBits.add(entropyBits[i] as number);
        }
      }
      if (topK !== undefined && (topK.k[i] as number) > 0) {
        const mass = topK.mass[i] as number;
        this.topKTokens++;
        this.topKMass.add(mass);
        if (mass > 1 + TOP_K_MASS_TOLERANCE) this.topKMassAboveOne++;
        const bounds = topKEntropyBounds(
          topK.partialEntropy[i] as number,
          mass,
          topK.minProb[i] as number,
          topK.k[i] as number,
          options.vocabSize,
        );
        this.topKLower.add(bounds.lower);
        if (options.vocabSize !== undefined) this.topKUpper.add(bounds.upper);
      }
    }
    batchNll.merge(scratch);
    this.tokens += counted;
    this.nll.merge(batchNll);
    return counted;
  }

  merge(other: TokenStats): void {
    this.tokens += other.tokens;
    this.nll.merge(other.nll);
    this.nllSquares.merge(other.nllSquares);
    this.unscored += other.unscored;
    for (let i = 0; i < this.sentinels.length; i++) {
      this.sentinels[i] = (this.sentinels[i] as number) + (other.sentinels[i] as number);
    }
    this.sentinelsExcluded += other.sentinelsExcluded;
    this.bytesTokens += other.bytesTokens;
    this.bytes += other.bytes;
    this.bytesNll.merge(other.bytesNll);
    this.entropyTokens += other.entropyTokens;
    this.entropy.merge(other.entropy);
    this.entropyBits.merge(other.entropyBits);
    this.topKTokens += other.topKTokens;
    this.topKMass.merge(other.topKMass);
    this.topKMassAboveOne += other.topKMassAboveOne;
    this.topKLower.merge(other.topKLower);
    this.topKUpper.merge(other.topKUpper);
  }

  metrics(options: TokenStatsOptions): TokenMetrics {
    const nll = this.nll.value();
    const ce = crossEntropy(nll, this.tokens);
    const sentinels = Object.fromEntries(SENTINEL_KINDS.map((k, i) => [k, this.sentinels[i] as number])) as Record<
      SentinelKind,
      number
    >;
    const m: TokenMetrics = {
      tokens: this.tokens,
      nll,
      cross_entropy: ce,
      perplexity: perplexity(ce),
      bits_per_token: natsToBits(ce),
      standard_error: standardError(nll, this.nllSquares.value(), this.tokens),
      unscored: this.unscored,
      sentinels,
      sentinels_excluded: this.sentinelsExcluded,
    };
    if (this.bytesTokens > 0) {
      m.bytes = this.bytes;
      m.bits_per_byte = bitsPerByte(this.bytesNll.value(), this.bytes);
      m.tokens_with_bytes = this.bytesTokens;
    }
    if (this.entropyTokens > 0) {
      m.mean_entropy = this.entropy.value() / this.entropyTokens;
      m.mean_entropy_bits = this.entropyBits.value() / this.entropyTokens;
      m.entropy_tokens = this.entropyTokens;
    }
    if (this.topKTokens > 0) {
      m.top_k = {
        tokens: this.topKTokens,
        mean_mass: this.topKMass.value() / this.topKTokens,
        mass_above_one: this.topKMassAboveOne,
        entropy_lower: this.topKLower.value() / this.topKTokens,
      };
      if (options.vocabSize !== undefined) m.top_k.entropy_upper = this.topKUpper.value() / this.topKTokens;
    }
    return m;
  }

  toJSON(): TokenStatsState {
    return {
      tokens: this.tokens,
      nll: this.nll.toJSON(),
      nllSquares: this.nllSquares.toJSON(),
      unscored: this.unscored,
      sentinels: this.sentinels.slice(),
      sentinelsExcluded: this.sentinelsExcluded,
      bytesTokens: this.bytesTokens,
      bytes: this.bytes,
      bytesNll: this.bytesNll.toJSON(),
      entropyTokens: this.entropyTokens,
      entropy: this.entropy.toJSON(),
      entropyBits: this.entropyBits.toJSON(),
      topKTokens: this.topKTokens,
      topKMass: this.topKMass.toJSON(),
      topKMassAboveOne: this.topKMassAboveOne,
      topKLower: this.topKLower.toJSON(),
      topKUpper: this.topKUpper.toJSON(),
    };
  }

  static fromJSON(state: TokenStatsState): TokenStats {
    const t = new TokenStats();
    t.tokens = state.tokens;
    t.nll = ExactSum.fromJSON(state.nll);
    t.nllSquares = ExactSum.fromJSON(state.nllSquares);
    t.unscored = state.unscored;
    t.sentinels = state.sentinels.slice();
    t.sentinelsExcluded = state.sentinelsExcluded;
    t.bytesTokens = state.bytesTokens;
    t.bytes = state.bytes;
    t.bytesNll = ExactSum.fromJSON(state.bytesNll);
    t.entropyTokens = state.entropyTokens;
    t.entropy = ExactSum.fromJSON(state.entropy);
    t.entropyBits = ExactSum.fromJSON(state.entropyBits);
    t.topKTokens = state.topKTokens;
    t.topKMass = ExactSum.fromJSON(state.topKMass);
    t.topKMassAboveOne = state.topKMassAboveOne;
    t.topKLower = ExactSum.fromJSON(state.topKLower);
    t.topKUpper = ExactSum.fromJSON(state.topKUpper);
    return t;
  }
}
