import yargs, { type Argv } from 'yargs';
import { formatNames } from '../formats/registry.js';
import { XENT_VERSION } from '../version.js';
import * as audit from './audit-command.js';
import * as compare from './compare-command.js';
import * as merge from './merge-command.js';
import * as collect from './collect-command.js';
import * as jobs from './jobs-command.js';
import * as submit from './submit-command.js';
import * as worker from './worker-command.js';
import * as report from './report-command.js';
import type { Io } from './report-runner.js';
import * as run from './run-command.js';
import * as watchCommand from './watch-command.js';
import { STDIN_TOKEN, UsageError } from './usage-error.js';

/**
 * A fresh parser for every call (c8's pattern), so tests parse arguments without a process.
 * Handlers report their exit code through `setExitCode`; the bin decides when to exit. The
 * command modules hold only options and handlers: each handler imports its runner (and the
 * engine behind it) when it runs, so parsing loads no command's engine (~70 ms of imports, and
 * prom-client for watch, were paid on every run before).
 */
export function buildYargs(args: string[], io: Io, setExitCode: (code: number) => void): Argv {
  const parser = yargs(args.map((a) => (a === '-' ? STDIN_TOKEN : a)))
    .scriptName('xent')
    .usage('$0 <command> [options]\n\nStreaming evaluator for token log-probabilities: cross-entropy, perplexity, bits per byte, entropy and log loss.')
    .command(report.command, report.describe, report.builder, report.handler(io, setExitCode))
    .command(run.command, run.describe, run.builder, run.handler(io, setExitCode))
    .command(watchCommand.command, watchCommand.describe, watchCommand.builder, watchCommand.handler(io, setExitCode))
    .command(audit.command, audit.describe, audit.builder, audit.handler(io, setExitCode))
    .command(compare.command, compare.describe, compare.builder, compare.handler(io, setExitCode))
    .command(merge.command, merge.describe, merge.builder, merge.handler(io, setExitCode))
    .command(submit.command, submit.describe, submit.builder, submit.handler(io, setExitCode))
    .command(worker.command, worker.describe, worker.builder, worker.handler(io, setExitCode))
    .command(collect.command, collect.describe, collect.builder, collect.handler(io, setExitCode))
    .command(jobs.command, jobs.describe, jobs.builder, jobs.handler(io, setExitCode))
    .demandCommand(1, 'Name a command: report, watch, audit, compare, merge, run, or submit/worker/collect/jobs (xent --help lists them).')
    .strict()
    .epilogue(
      [
        `Formats (auto-detected per record): ${formatNames.join(', ')}.`,
        'Exit codes: 0 ok · 1 bad usage · 2 an input or state directory could not be used · 3 --strict and bad records · 4 an audit/compare threshold was crossed · 5 collect: job not finished · 69 NATS unreachable · 70 internal error.',
        'Colour follows the terminal; NO_COLOR=1 turns it off.',
      ].join('\n'),
    )
    .version(XENT_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      // Validation and parse failures are usage errors; anything a handler throws keeps its own type.
      if (error === undefined || error === null || error.name === 'YError' || error instanceof UsageError) {
        throw new UsageError(message ?? error?.message ?? 'invalid arguments');
      }
      throw error;
    });
  skipHelpRendering(parser);
  return parser;
}

/**
 * yargs renders a command's whole help text (cliui, string-width, wrap-ansi) each time the command
 * runs, only to keep it for a later `showHelp()` that xent never calls: 30–40 ms of a 0.25 s run on
 * a small file (`node --cpu-prof`). `--help` and usage errors still render it when asked. The hook
 * is yargs's internal API, so it is used only where it has the expected shape.
 */
function skipHelpRendering(parser: Argv): void {
  const internal = (parser as unknown as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } })
    .getInternalMethods?.()
    .getUsageInstance?.();
  if (internal !== undefined && typeof internal.cacheHelpMessage === 'function') internal.cacheHelpMessage = () => {};
}
