import type { Argv, ArgumentsCamelCase } from 'yargs';
import { withEvaluationOptions } from './report-options.js';
import type { Io } from './report-runner.js';
import { reportRun } from './report-run.js';
import { checkReportArgs, REPORT_DEFAULTS } from './report-settings.js';

export const command = 'report [files..]';
export const describe = 'Read logprob dumps (files, directories, - for stdin; .gz too) and print one exact report';

export function builder(yargs: Argv) {
  return withEvaluationOptions(yargs)
    .positional('files', { type: 'string', array: true, describe: 'Dump files, directories of them, or - for stdin' })
    .option('json', { type: 'boolean', describe: 'Print the report as one JSON object' })
    .option('ndjson', { type: 'boolean', describe: 'Print rolling reports (with --window) and the final one as NDJSON lines' })
    .option('markdown', { type: 'boolean', describe: 'Print the report as Markdown (tables, for a PR comment or a job summary)' })
    .option('window', {
      alias: 'every',
      type: 'number',
      describe: 'With --ndjson: a rolling report each time the token count crosses a multiple of N, over the last N tokens',
    })
    .option('per-sequence', { type: 'boolean', default: false, describe: 'Include every sequence\'s figures (memory grows with the number of sequences)' })
    .option('strict', { type: 'boolean', default: false, describe: 'Exit 3 when any record was bad or any request failed' })
    .option('dead-letter', { type: 'string', describe: 'Append every bad record to this file as NDJSON {file, line, offset, code, reason, raw}' })
    .option('state-out', { type: 'string', describe: 'Also write the run\'s exact state to this file (.gz: gzip), for xent merge' })
    .option('out', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('threads', {
      type: 'string',
      default: REPORT_DEFAULTS.threads,
      describe: 'Worker threads: a number, or auto (one per core, at most 4, once the inputs reach 256 MB); --window and --dead-letter keep one',
    })
    .conflicts('json', ['ndjson', 'markdown'])
    .conflicts('ndjson', 'markdown')
    .check((argv) => checkReportArgs(argv));
}

type ReportArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: ReportArgs): Promise<void> => {
    // The runner (and the evaluation engine behind it) loads only when a report runs: see build-yargs.
    const { runReport } = await import('./report-runner.js');
    const code = await runReport(reportRun(argv), io);
    setExitCode(code);
  };
}
