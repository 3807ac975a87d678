import { readFile } from 'node:fs/promises';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { XentError } from '../errors.js';
import { parsePipeline, type PipelineDefinition } from '../pipelines/pipeline-definition.js';
import type { Io } from './report-runner.js';
import { pipelineAuditSettings, pipelineCompareSettings, pipelineReportRun, pipelineWatchSettings } from './run-settings.js';
import { restoreStdin } from './usage-error.js';

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
  switch (p.mode ?? 'report') {
    case 'watch': {
      const { runWatch } = await import('./watch-runner.js');
      return runWatch(pipelineWatchSettings(p, inputs), io);
    }
    case 'audit': {
      const { runAudit } = await import('./audit-runner.js');
      return runAudit(pipelineAuditSettings(p, inputs), io);
    }
    case 'compare': {
      const settings = pipelineCompareSettings(p, inputs);
      const { runCompare } = await import('./compare-runner.js');
      return runCompare(settings, io);
    }
    case 'report': {
      const { runReport } = await import('./report-runner.js');
      return runReport(pipelineReportRun(p, inputs), io);
    }
  }
}
