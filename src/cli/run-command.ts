import { readFile } from 'node:fs/promises';
import type { Argv, ArgumentsCamelCase } from 'yargs';
import { XentError } from '../errors.js';
import { parsePipeline } from '../pipelines/pipeline-definition.js';
import { runReport, type Io } from './report-runner.js';
import { restoreStdin } from './usage-error.js';
import { runWatch, WATCH_DEFAULTS } from './watch-command.js';

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
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new XentError('INVALID_PIPELINE', `${path}: cannot read the pipeline (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new XentError('INVALID_PIPELINE', `${path}: invalid JSON: ${(error as Error).message}`);
    }
    const p = parsePipeline(json, path);
    const files = restoreStdin((argv.files as string[] | undefined) ?? []);
    const inputs = files.length > 0 ? files : p.source.paths;
    if (p.mode === 'watch') {
      setExitCode(
        await runWatch(
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
        ),
      );
      return;
    }
    const code = await runReport(
      {
        inputs,
        outputs: p.outputs.map((o) => ({ type: o.type, path: o.path })),
        strict: p.strict ?? false,
        deadLetter: p.dead_letter,
        evaluate: {
          format: p.format ?? 'auto',
          segment: p.segment ?? 'all',
          sentinels: p.sentinels ?? 'include',
          vocabSize: p.vocab_size,
          perSequence: p.per_sequence ?? false,
          every: p.windows?.every,
          concurrency: p.source.concurrency ?? 4,
          framing: p.source.framing ?? 'auto',
        },
      },
      io,
    );
    setExitCode(code);
  };
}
