import { ExactSum } from '../math/exact-sum.js';
import type { DetailSpans } from './detail-spans.js';

/** One token of a sequence as the page shows it (the first `detailTokens` of a kept sequence). */
export interface TokenDetail {
  text: string;
  logprob: number;
  alternatives?: { text: string; logprob: number }[];
}

/**
 * Per-sequence uncertainty scores in the manner of LM-Polygraph (Fadeeva et al., 2023), computed
 * from the dump instead of a live model. All in nats.
 */
export interface SequenceScores {
  id: string;
  file: string;
  line?: number;
  element?: number;
  tokens: number;
  nll: number;
  cross_entropy: number;
  perplexity: number;
  /** Σ ln p: LM-Polygraph's maximum sequence probability, in log form (−nll). */
  sequence_logprob: number;
  /** Mean exact entropy of the full distributions, where the dump has them; null otherwise. */
  mean_entropy: number | null;
  /** Mean lower / upper bound on the entropy from top-k alternatives; upper needs --vocab-size. */
  entropy_lower: number | null;
  entropy_upper: number | null;
  /** Largest single-token surprise −ln p, and its 0-based position. */
  max_surprise: number;
  max_surprise_position: number;
  detail?: TokenDetail[];
}

export const RANK_METRICS = ['cross-entropy', 'perplexity', 'nll', 'entropy', 'max-surprise'] as const;
export type RankMetric = (typeof RANK_METRICS)[number];

/** The score a sequence is ranked by (higher = more uncertain); NaN when the dump cannot say. */
export function rankScore(s: SequenceScores, by: RankMetric): number {
  switch (by) {
    case 'cross-entropy':
    case 'perplexity':
      return s.cross_entropy; // same order, and finite where perplexity overflows
    case 'nll':
      return s.nll;
    case 'entropy':
      return s.mean_entropy ?? s.entropy_lower ?? Number.NaN;
    case 'max-surprise':
      return s.max_surprise;
  }
}

/** The running state of a sequence that has not ended yet. */
export class OpenSequence {
  readonly nll = new ExactSum();
  tokens = 0;
  /** Scored positions seen (excluded sentinels too), for position buckets. */
  position = 0;
  readonly entropy = new ExactSum();
  entropyTokens = 0;
  readonly lower = new ExactSum();
  readonly upper = new ExactSum();
  topKTokens = 0;
  maxSurprise = Number.NEGATIVE_INFINITY;
  maxSurprisePosition = -1;
  detail: TokenDetail[] | undefined;
  /** Instead of `detail`, on an input the second pass re-reads: where the heat-map's tokens are. */
  spans: DetailSpans | undefined;

  constructor(
    readonly id: string,
    readonly file: string,
    readonly line: number | undefined,
    readonly element: number | undefined,
  ) {}

  /** Scores from the sums; call once, when the sequence ends. */
  scores(vocabKnown: boolean): SequenceScores {
    const nll = this.nll.value();
    const ce = nll / this.tokens;
    const s: SequenceScores = {
      id: this.id,
      file: this.file,
      tokens: this.tokens,
      nll,
      cross_entropy: ce,
      perplexity: Math.exp(ce),
      sequence_logprob: -nll,
      mean_entropy: this.entropyTokens > 0 ? this.entropy.value() / this.entropyTokens : null,
      entropy_lower: this.topKTokens > 0 ? this.lower.value() / this.topKTokens : null,
      entropy_upper: this.topKTokens > 0 && vocabKnown ? this.upper.value() / this.topKTokens : null,
      max_surprise: this.maxSurprise,
      max_surprise_position: this.maxSurprisePosition,
    };
    if (this.line !== undefined) s.line = this.line;
    if (this.element !== undefined) s.element = this.element;
    if (this.detail !== undefined) s.detail = this.detail;
    return s;
  }
}
