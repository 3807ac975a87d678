import type { BadRecord } from '../aggregate/corpus-accumulator.js';
import type { KlFigures } from '../math/kl-summary.js';

/** One sequence present on both sides. Differences are B − A: negative means B is better. */
export interface ChangedSequence {
  id: string;
  cross_entropy_a: number;
  cross_entropy_b: number;
  difference: number;
  tokens_a: number;
  tokens_b: number;
  file_a: string;
  line_a?: number;
  file_b: string;
  line_b?: number;
}

export interface CompareSide {
  inputs: { file: string; status: 'ok' | 'failed'; error?: string }[];
  /** Sequences with at least one scored token. */
  sequences: number;
  /** Sequences whose id appeared again on this side: only the first is compared. */
  duplicate_ids: number;
  /** Records without a value at --key (they keep the format's own id). */
  keyless_records: number;
  empty_sequences: number;
  bad_records: { count: number; examples: BadRecord[] };
  /** Ids found on this side only: a count and the first few. */
  only_here: { count: number; examples: string[] };
}

/** One matched sequence of `compare --kl`: its mean KL(P_A ‖ P_B) over the positions that could be compared. */
export interface KlSequence {
  id: string;
  mean_kl: number;
  positions: number;
  exact_positions: number;
  file_a: string;
  line_a?: number;
  file_b: string;
  line_b?: number;
}

/** A matched sequence `compare --kl` could not compare, named by its code: the two sides' lengths differ. */
export interface KlSequenceProblem {
  code: 'length_mismatch';
  id: string;
  a: { file: string; line?: number; positions: number };
  b: { file: string; line?: number; positions: number };
}

/** What `--kl` adds to the comparison (absent without it). */
export interface KlReport {
  /** Over every compared position of every matched sequence. */
  kl: KlFigures;
  /** Highest mean KL first. */
  kl_top_sequences: KlSequence[];
  /** Matched sequences with at least one compared position. */
  kl_sequences: number;
  /** Matched sequences whose position counts differ: counted, named, and left out of every KL figure. */
  kl_length_mismatch: { count: number; examples: KlSequenceProblem[] };
  /** Positions of length-matched sequences where no KL could be computed, with why for the first few. */
  kl_unscored_positions: { count: number; examples: { id: string; position: number; reason: string }[] };
  /** Counts of per-position KL in fixed bins (nats; counts[0] below edges[0], the last at or above the last edge), for the page. */
  kl_histogram: { edges: number[]; counts: number[] };
}

export interface CompareReport extends Partial<KlReport> {
  xent_version: string;
  /** The --key path, or null when the formats' own sequence ids were matched. */
  key: string | null;
  a: CompareSide;
  b: CompareSide;
  /** Sequences present on both sides. */
  matched: number;
  /** Means over matched sequences of per-sequence cross-entropy (nats). */
  mean_cross_entropy_a: number;
  mean_cross_entropy_b: number;
  /** Mean over matched sequences of (CE_B − CE_A), exact; negative: B is better. */
  mean_difference: number;
  /** Paired (Poisson) bootstrap percentile interval of mean_difference. */
  ci95: { low: number; high: number };
  bootstrap: { replicates: number; seed: number };
  /** Share of matched sequences where B has the lower cross-entropy; ties count half. */
  win_rate: number;
  wins: number;
  losses: number;
  ties: number;
  /** Largest |difference| first. */
  most_changed: ChangedSequence[];
  /** Counts of differences in fixed bins, for the page. */
  differences_histogram: { edges: number[]; counts: number[] };
}
