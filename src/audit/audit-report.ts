import type { BadRecord } from '../aggregate/corpus-accumulator.js';
import type { TokenMetrics } from '../aggregate/token-stats.js';
import { XENT_VERSION } from '../version.js';
import type { AnomalyExample, AnomalyKind } from './anomaly-log.js';
import type { AuditAccumulator } from './audit-accumulator.js';
import type { AuditGroup } from './audit-group.js';
import type { HistogramJson } from './log-histogram.js';
import type { PositionBucketJson } from './position-buckets.js';
import type { RollingPointJson } from './rolling-series.js';
import type { RankMetric, SequenceScores } from './sequence-scores.js';

export interface QuantilesJson {
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

export interface AuditCorpusJson extends TokenMetrics {
  records: number;
  sequences: number;
  empty_sequences: number;
  mean_sequence_cross_entropy: number;
}

/** Everything figured over one set of records: the corpus, or one group. */
export interface AuditSection {
  corpus: AuditCorpusJson;
  /** Highest rank score first (the most uncertain sequences). */
  worst: SequenceScores[];
  /** Lowest rank score first. */
  best: SequenceScores[];
  quantiles: { sequence_perplexity: QuantilesJson; sequence_cross_entropy: QuantilesJson };
  histogram: { sequence_perplexity: HistogramJson };
  positions: PositionBucketJson[];
  rolling: RollingPointJson[];
  anomalies: Record<AnomalyKind, number>;
  anomaly_examples: AnomalyExample[];
}

export interface AuditGroupJson extends AuditSection {
  /** The value at --group-by; null when the record has none (or, with `overflow`, for the shared group). */
  group: string | null;
  /** True for the group that holds every value past --max-groups. */
  overflow: boolean;
}

export interface ThresholdResult {
  /** The option, e.g. "--max-perplexity" or "--max-anomalies sentinel". */
  name: string;
  limit: number;
  value: number;
  /** The group it was crossed in; absent for the corpus. */
  group?: string | null;
  crossed: boolean;
}

export interface AuditReport extends AuditSection {
  xent_version: string;
  rank_by: RankMetric;
  top: number;
  inputs: { file: string; status: 'ok' | 'failed'; error?: string }[];
  bad_records: { count: number; examples: BadRecord[] };
  failed_requests: number;
  groups?: AuditGroupJson[];
  thresholds: ThresholdResult[];
}

function quantiles(digest: AuditGroup['crossEntropy']): QuantilesJson {
  return { p50: digest.quantile(0.5), p90: digest.quantile(0.9), p99: digest.quantile(0.99), min: digest.min, max: digest.max };
}

export function auditSection(group: AuditGroup): AuditSection {
  return {
    corpus: {
      ...group.metrics(),
      records: group.records,
      sequences: group.sequences,
      empty_sequences: group.emptySequences,
      mean_sequence_cross_entropy: group.sequences > 0 ? group.sequenceCrossEntropy.value() / group.sequences : Number.NaN,
    },
    worst: group.worst.sorted(),
    best: group.best.sorted(),
    quantiles: { sequence_perplexity: quantiles(group.perplexity), sequence_cross_entropy: quantiles(group.crossEntropy) },
    histogram: { sequence_perplexity: group.histogram.toJSON() },
    positions: group.positions.toJSON(),
    rolling: group.rolling.toJSON(),
    anomalies: group.anomalies.countsJson(),
    anomaly_examples: group.anomalies.examples.slice(),
  };
}

/** The report object (`--json` prints it); thresholds are filled in by checkThresholds. */
export function buildAuditReport(audit: AuditAccumulator, inputs: AuditReport['inputs']): AuditReport {
  const report: AuditReport = {
    xent_version: XENT_VERSION,
    rank_by: audit.options.rankBy,
    top: audit.options.top,
    inputs,
    ...auditSection(audit.overall),
    bad_records: { count: audit.badRecords, examples: audit.badExamples.slice() },
    failed_requests: audit.failedRequests,
    thresholds: [],
  };
  if (audit.grouped) {
    report.groups = audit.groupList().map(({ group, overflow, audit: g }) => ({ group, overflow, ...auditSection(g) }));
  }
  return report;
}
