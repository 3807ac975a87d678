import { readFile } from 'node:fs/promises';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { AnomalyKind } from '../audit/anomaly-log.js';
import type { Thresholds } from '../audit/thresholds.js';
import type { DocumentOutput } from '../audit/write-output.js';
import { XentError } from '../errors.js';
import { parsePipeline, type PipelineDefinition } from '../pipelines/pipeline-definition.js';
import { AUDIT_DEFAULTS } from './audit-settings.js';
import { COMPARE_DEFAULTS } from './compare-settings.js';
import { pipelineInputSettings } from './input-settings.js';
import type { Io, OutputMode } from './report-runner.js';
import { restoreStdin, UsageError } from './usage-error.js';
import { WATCH_DEFAULTS } from './watch-settings.js';

export const command = 'run <pipeline> [files..]';
export const describe = 'Run a declarative pipeline (pipelines/*.json); files given here replace its source paths';

export function builder(yargs: Argv) {
  return yargs
    .positional('pipeline', { type: 'string', demandOption: true, describe: 'A pipeline definition (JSON)' })
    .positional('files', { type: 'string', array: true, describe: 'Inputs to use instead of the pipeline\'s source.paths' });
}

type RunArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: RunArgs): Promise<void> => {
    const path = argv.pipeline as string;
    const p = parsePipeline(await readPipeline(path), path);
    const files = restoreStdin((argv.files as string[] | undefined) ?? []);
    const inputs = files.length > 0 ? files : p.source.paths;
    setExitCode(await runPipeline(p, inputs, io));
  };
}

async function readPipeline(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new XentError('INVALID_PIPELINE', `${path}: cannot read the pipeline (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new XentError('INVALID_PIPELINE', `${path}: invalid JSON: ${(error as Error).message}`);
  }
}

/** Runs a checked pipeline over `inputs` with the runner of its mode (loaded only then); returns the exit code. */
async function runPipeline(p: PipelineDefinition, inputs: string[], io: Io): Promise<number> {
  // parsePipeline allowed only the output types of the pipeline's mode.
  const documents = p.outputs as DocumentOutput[];
  switch (p.mode ?? 'report') {
    case 'watch': {
      const { runWatch } = await import('./watch-runner.js');
      return runWatch(
        {
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
        },
        io,
      );
    }
    case 'audit': {
      const { runAudit } = await import('./audit-runner.js');
      return runAudit(
        {
          inputs,
          read: pipelineInputSettings(p),
          vocabSize: p.vocab_size,
          top: p.top ?? AUDIT_DEFAULTS.top,
          rankBy: p.rank_by ?? AUDIT_DEFAULTS.rankBy,
          groupBy: p.group_by,
          maxGroups: p.max_groups ?? AUDIT_DEFAULTS.maxGroups,
          detailTokens: p.detail_tokens ?? AUDIT_DEFAULTS.detailTokens,
          outputs: documents,
          deadLetter: p.dead_letter,
          thresholds: auditThresholds(p),
        },
        io,
      );
    }
    case 'compare': {
      const [a, b] = inputs;
      if (inputs.length !== 2 || a === undefined || b === undefined) {
        throw new UsageError(`A compare pipeline takes two inputs, side A then side B; got ${inputs.length}.`);
      }
      const { runCompare } = await import('./compare-runner.js');
      return runCompare(
        {
          a,
          b,
          read: pipelineInputSettings(p),
          key: p.key,
          top: p.top ?? COMPARE_DEFAULTS.top,
          bootstrap: p.bootstrap ?? COMPARE_DEFAULTS.bootstrap,
          seed: p.seed ?? COMPARE_DEFAULTS.seed,
          partitions: p.partitions ?? COMPARE_DEFAULTS.partitions,
          outputs: documents,
          deadLetter: p.dead_letter,
          maxMeanDifference: p.thresholds?.max_mean_difference,
        },
        io,
      );
    }
    case 'report': {
      const { runReport } = await import('./report-runner.js');
      return runReport(
        {
          inputs,
          outputs: p.outputs.map((o) => ({ type: o.type as OutputMode, path: o.path })),
          strict: p.strict ?? false,
          deadLetter: p.dead_letter,
          evaluate: {
            ...pipelineInputSettings(p),
            vocabSize: p.vocab_size,
            perSequence: p.per_sequence ?? false,
            every: p.windows?.tokens ?? p.windows?.every,
          },
        },
        io,
      );
    }
  }
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
