import type { AnomalyKind } from '../audit/anomaly-log.js';
import type { Thresholds } from '../audit/thresholds.js';
import type { DocumentOutput } from '../audit/write-output.js';
import type { PipelineDefinition } from '../pipelines/pipeline-definition.js';
import type { AuditSettings } from './audit-runner.js';
import { AUDIT_DEFAULTS } from './audit-settings.js';
import type { CompareSettings } from './compare-runner.js';
import { COMPARE_DEFAULTS } from './compare-settings.js';
import { CONCURRENCY, type InputSettings } from './input-settings.js';
import type { OutputMode, ReportRun } from './report-runner.js';
import { UsageError } from './usage-error.js';
import type { WatchSettings } from './watch-runner.js';
import { WATCH_DEFAULTS } from './watch-settings.js';

/**
 * `xent run`'s settings: a pipeline (checked by parsePipeline) as the settings of the command its mode names, with
 * that command's defaults (from its settings module) where the pipeline is silent. `inputs` are the pipeline's source
 * paths, or the files given after it on the command line.
 */

/** A pipeline's format, segment, sentinels and source options, with the command line's defaults. */
export function pipelineInputSettings(p: PipelineDefinition): InputSettings {
  return {
    format: p.format ?? 'auto',
    segment: p.segment ?? 'all',
    sentinels: p.sentinels ?? 'include',
    concurrency: p.source.concurrency ?? (p.mode === 'audit' || p.mode === 'compare' ? CONCURRENCY.ordered : CONCURRENCY.report),
    framing: p.source.framing ?? 'auto',
  };
}

export function pipelineWatchSettings(p: PipelineDefinition, inputs: string[]): WatchSettings {
  return {
    ...WATCH_DEFAULTS,
    patterns: inputs,
    state: p.state,
    out: p.outputs[0]?.path === '-' ? undefined : p.outputs[0]?.path,
    interval: p.windows?.interval ?? WATCH_DEFAULTS.interval,
    window: p.windows?.tokens ?? WATCH_DEFAULTS.window,
    fromEnd: false,
    deadLetter: p.dead_letter,
    metricsPort: p.metrics?.port,
    metricsHost: p.metrics?.host ?? WATCH_DEFAULTS.metricsHost,
    format: p.format ?? 'auto',
    segment: p.segment ?? 'all',
    sentinels: p.sentinels ?? 'include',
    vocabSize: p.vocab_size,
    releaseAfter: p.release_after ?? WATCH_DEFAULTS.releaseAfter,
    groupBy: p.group_by,
    maxGroups: p.max_groups ?? WATCH_DEFAULTS.maxGroups,
  };
}

export function pipelineAuditSettings(p: PipelineDefinition, inputs: string[]): AuditSettings {
  return {
    inputs,
    read: pipelineInputSettings(p),
    vocabSize: p.vocab_size,
    top: p.top ?? AUDIT_DEFAULTS.top,
    rankBy: p.rank_by ?? AUDIT_DEFAULTS.rankBy,
    groupBy: p.group_by,
    maxGroups: p.max_groups ?? AUDIT_DEFAULTS.maxGroups,
    detailTokens: p.detail_tokens ?? AUDIT_DEFAULTS.detailTokens,
    // parsePipeline allowed only the output types of the pipeline's mode.
    outputs: p.outputs as DocumentOutput[],
    deadLetter: p.dead_letter,
    thresholds: auditThresholds(p),
  };
}

export function pipelineCompareSettings(p: PipelineDefinition, inputs: string[]): CompareSettings {
  const [a, b] = inputs;
  if (inputs.length !== 2 || a === undefined || b === undefined) {
    throw new UsageError(`A compare pipeline takes two inputs, side A then side B; got ${inputs.length}.`);
  }
  return {
    a,
    b,
    read: pipelineInputSettings(p),
    key: p.key,
    top: p.top ?? COMPARE_DEFAULTS.top,
    bootstrap: p.bootstrap ?? COMPARE_DEFAULTS.bootstrap,
    seed: p.seed ?? COMPARE_DEFAULTS.seed,
    partitions: p.partitions ?? COMPARE_DEFAULTS.partitions,
    kl: p.kl ?? false,
    outputs: p.outputs as DocumentOutput[],
    deadLetter: p.dead_letter,
    maxMeanDifference: p.thresholds?.max_mean_difference,
    maxMeanKl: p.thresholds?.max_mean_kl,
  };
}

export function pipelineReportRun(p: PipelineDefinition, inputs: string[]): ReportRun {
  return {
    inputs,
    outputs: p.outputs.map((o) => ({ type: o.type as OutputMode, path: o.path })),
    strict: p.strict ?? false,
    deadLetter: p.dead_letter,
    evaluate: {
      ...pipelineInputSettings(p),
      vocabSize: p.vocab_size,
      perSequence: p.per_sequence ?? false,
      // The rolling window: `windows.tokens`, or its older name `windows.every`.
      every: p.windows?.tokens ?? p.windows?.every,
    },
  };
}

/** A pipeline's `thresholds` as the audit's Thresholds (the kinds were checked by parsePipeline). */
function auditThresholds(p: PipelineDefinition): Thresholds {
  const t = p.thresholds ?? {};
  return {
    maxPerplexity: t.max_perplexity,
    maxP99Perplexity: t.max_p99_perplexity,
    maxBadRecords: t.max_bad_records,
    maxAnomalies: new Map(Object.entries(t.max_anomalies ?? {}) as [AnomalyKind | 'all', number][]),
  };
}
