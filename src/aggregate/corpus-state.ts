import type { ExactSumState } from '../math/exact-sum.js';
import type { BadRecord } from '../formats/record-outcome.js';
import type { Segment } from '../formats/scored-batch.js';
import type { TokenStatsState } from './token-stats.js';

/**
 * The saved state of a CorpusAccumulator: plain JSON, exact (partials of every exact sum, counts),
 * read back by CorpusAccumulator.fromJSON. The daemon's checkpoints embed it, worker threads pass
 * it back, and state files (`xent report --state-out`, `xent merge`, shard states in JetStream)
 * carry it between machines. Documented in the README ("State files"); any change to its shape
 * must raise `ACCUMULATOR_STATE_VERSION`, since old states are refused rather than misread.
 */
export const ACCUMULATOR_STATE_VERSION = 1;

export type LoglikelihoodMetric = 'word_perplexity' | 'byte_perplexity' | 'bits_per_byte';
export const LL_METRICS: readonly LoglikelihoodMetric[] = ['word_perplexity', 'byte_perplexity', 'bits_per_byte'];

/** A sequence still open when the state was taken: a later state with the same id continues it. */
export interface OpenSequenceState {
  id: string;
  file: string;
  line: number | null;
  nll: ExactSumState;
  tokens: number;
  promptTokens: number;
  completionTokens: number;
}

export interface AccumulatorState {
  version: typeof ACCUMULATOR_STATE_VERSION;
  records: number;
  formats: Record<string, number>;
  segments: Record<Segment, TokenStatsState>;
  segmentSequences: Record<Segment, number>;
  sequences: number;
  emptySequences: number;
  sequenceCrossEntropy: ExactSumState;
  sequencePerplexity: ExactSumState;
  /** Non-finite values as the strings "Infinity", "-Infinity", "NaN" (see RunningLogSumExp.toJSON). */
  sequenceLogPerplexity: { max: number | string; sum: number | string };
  open: OpenSequenceState[];
  labels: number;
  labelLoss: ExactSumState;
  loglikelihood: Record<LoglikelihoodMetric, { documents: number; loglikelihood: ExactSumState; count: number }>;
  failedRequests: number;
  failedExamples: BadRecord[];
  badRecords: number;
  badExamples: BadRecord[];
}

/**
 * What is wrong with a value read as an AccumulatorState, or undefined when its shape holds. A
 * checksum guards state files against damage; this guards against states of another shape (an old
 * version, or JSON that was never a state), so fromJSON never builds an accumulator from garbage.
 */
export function accumulatorStateProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'the accumulator state is not an object';
  if (value.version !== ACCUMULATOR_STATE_VERSION) {
    return `accumulator state version ${JSON.stringify(value.version)} (this xent reads version ${ACCUMULATOR_STATE_VERSION})`;
  }
  for (const key of ['records', 'sequences', 'emptySequences', 'labels', 'failedRequests', 'badRecords'] as const) {
    if (!isCount(value[key])) return `${key} is not a count`;
  }
  for (const key of ['sequenceCrossEntropy', 'sequencePerplexity', 'labelLoss'] as const) {
    if (!isExactSum(value[key])) return `${key} is not an exact sum`;
  }
  if (!isObject(value.formats) || !Object.values(value.formats).every(isCount)) return 'formats is not a map of counts';
  if (!isObject(value.segments) || !isObject(value.segmentSequences)) return 'segments are missing';
  for (const segment of ['prompt', 'completion'] as const) {
    const stats = value.segments[segment];
    if (!isObject(stats) || !isCount(stats.tokens) || !isExactSum(stats.nll) || !Array.isArray(stats.sentinels)) {
      return `segments.${segment} is not a token-stats state`;
    }
    if (!isCount(value.segmentSequences[segment])) return `segmentSequences.${segment} is not a count`;
  }
  const lse = value.sequenceLogPerplexity;
  if (!isObject(lse) || !isNumberOrName(lse.max) || !isNumberOrName(lse.sum)) return 'sequenceLogPerplexity is not a log-sum-exp state';
  if (!Array.isArray(value.open)) return 'open is not a list';
  for (const s of value.open) {
    if (!isObject(s) || typeof s.id !== 'string' || !isExactSum(s.nll) || !isCount(s.tokens)) return 'an open sequence is malformed';
  }
  if (!isObject(value.loglikelihood)) return 'loglikelihood is missing';
  for (const m of LL_METRICS) {
    const ll = value.loglikelihood[m];
    if (!isObject(ll) || !isCount(ll.documents) || !isExactSum(ll.loglikelihood) || typeof ll.count !== 'number') return `loglikelihood.${m} is malformed`;
  }
  if (!Array.isArray(value.failedExamples) || !Array.isArray(value.badExamples)) return 'the bad-record examples are not lists';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isNumberOrName(value: unknown): boolean {
  return typeof value === 'number' || value === 'Infinity' || value === '-Infinity' || value === 'NaN';
}

function isExactSum(value: unknown): boolean {
  return (
    isObject(value) &&
    Array.isArray(value.partials) &&
    value.partials.every((p) => typeof p === 'number' && Number.isFinite(p)) &&
    isCount(value.posInf) &&
    isCount(value.negInf) &&
    isCount(value.nan)
  );
}
