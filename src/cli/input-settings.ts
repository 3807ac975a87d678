import type { FormatName } from '../formats/adapter.js';
import type { Segment } from '../formats/scored-batch.js';
import type { PipelineDefinition } from '../pipelines/pipeline-definition.js';
import type { Framing } from '../streams/open-input.js';
import { CONCURRENCY } from './report-options.js';

/**
 * How audit and compare read their inputs, whether the settings come from the command line
 * (withEvaluationOptions) or from a pipeline: mapped once here, spread into auditFiles and
 * compareFiles as they are.
 */
export interface InputSettings {
  format: FormatName | 'auto';
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  concurrency: number;
  /** Undefined: the reader's default. */
  maxLineBytes?: number;
  framing: Framing | 'auto';
}

/** withEvaluationOptions' options as yargs parses them (camel case). */
export interface EvaluationArgs {
  inputFormat: string;
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  concurrency: number;
  maxLineBytes: number;
  framing: string;
}

export function inputSettings(argv: EvaluationArgs): InputSettings {
  return {
    format: argv.inputFormat as FormatName | 'auto',
    segment: argv.segment,
    sentinels: argv.sentinels,
    concurrency: argv.concurrency,
    maxLineBytes: argv.maxLineBytes,
    framing: argv.framing as Framing | 'auto',
  };
}

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
