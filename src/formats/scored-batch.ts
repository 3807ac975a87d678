/**
 * What a format adapter produces from one record. Tokens travel as typed arrays, one batch per
 * (sequence, segment) per record: a dump has millions of tokens and must never become millions
 * of objects.
 */

export type Segment = 'prompt' | 'completion';

/** Top-k alternatives summarised per scored token (natural log, nats). */
export interface TopKSummary {
  /** Σ exp(logprob) over the listed alternatives. */
  mass: Float64Array;
  /** -Σ p·ln p over the listed alternatives (a partial entropy, nats). */
  partialEntropy: Float64Array;
  /** Smallest listed probability (0 when the list is empty). */
  minProb: Float64Array;
  /** Number of alternatives listed. */
  k: Uint32Array;
}

/** Scored tokens of one sequence and one segment, taken from one record. */
export interface TokenBatch {
  kind: 'tokens';
  sequenceId: string;
  segment: Segment;
  /** ln P(token) of every scored token, in order. Sentinels (-9999, -3.4e38, -100, -Infinity) included. */
  logprobs: Float64Array;
  /** UTF-8 byte length of each scored token; NaN where unknown. Absent when no token's bytes are known. */
  bytes?: Float64Array;
  /** Exact entropy of the full predictive distribution at each scored token (nats); present only with full distributions. */
  entropy?: Float64Array;
  /** The same entropy in bits, computed with log2 so that dyadic distributions come out exact. */
  entropyBits?: Float64Array;
  topK?: TopKSummary;
  /** Token text of each scored token, when the record has it (for audits); absent otherwise. */
  tokens?: string[];
  /**
   * Each scored token's top-k alternatives (text, '' where the format gives none, and logprob, in
   * the record's order); present only when decoded with DecodeContext.detail = 'full'.
   */
  alternatives?: { texts: string[][]; logprobs: Float64Array[] };
  /**
   * For the audit's chosen-not-in-top-k check where `alternatives` are not kept (the fast path
   * reads them from bytes): whether each token's text is among its alternatives' (1 or 0), and
   * their smallest logprob. Read only where topK.k > 0.
   */
  listing?: { listed: Uint8Array; smallest: Float64Array };
  /**
   * The model's full rows (logits or probabilities over the vocabulary), one per scored token, as the record gave
   * them (not copied); present only when decoded with DecodeContext.rows. `softTargets`: the record scored a target
   * distribution, so `logprobs` are −H(P, Q), not the next token's logprob.
   */
  distribution?: { kind: 'logits' | 'probs'; rows: readonly (readonly number[])[]; softTargets: boolean };
  /** Positions whose logprob was null: present in the record but not scored (e.g. the first prompt token). */
  unscored: number;
  /** True when the record says the sequence ends here (a final streaming chunk, or a whole-sequence record). */
  final: boolean;
}

/** One labelled prediction, scored as scikit-learn's log_loss scores it. */
export interface LabelBatch {
  kind: 'labels';
  sequenceId: string;
  /** -ln(clipped, normalised probability of the true label), one per sample. */
  losses: Float64Array;
}

/** One lm-evaluation-harness document's loglikelihood with its word, byte or token count. */
export interface LoglikelihoodPair {
  kind: 'loglikelihood';
  sequenceId: string;
  /** lm-eval metric the pair belongs to. */
  metric: 'word_perplexity' | 'byte_perplexity' | 'bits_per_byte';
  loglikelihood: number;
  count: number;
}

/** An API request that failed (a Batch API line with `error`): counted, never scored. */
export interface FailedRequest {
  kind: 'failed-request';
  sequenceId: string;
  reason: string;
}

export type ScoredItem = TokenBatch | LabelBatch | LoglikelihoodPair | FailedRequest;
