import yargs, { type Argv } from 'yargs';
import { formatNames } from '../formats/registry.js';
import { XENT_VERSION } from '../version.js';
import type { Io } from './report-runner.js';
import { STDIN_TOKEN, UsageError } from './usage-error.js';

/** What a `*-command.ts` module exports (c8's pattern): yargs's command, its options, and a handler bound to the io. */
export interface CommandModule {
  command: string;
  describe: string;
  // `any`: the options differ per command, and each module's builder and handler are typed together there.
  builder: (yargs: Argv) => Argv<any>;
  handler: (io: Io, setExitCode: (code: number) => void) => (argv: any) => Promise<void>;
}

/**
 * A fresh parser for every call (c8's pattern), so tests parse arguments without a process, with the commands it is
 * given: all of them (buildYargs), or only the one a command line names (cli/command-modules.ts), whose options are
 * then the only ones loaded. Handlers report their exit code through `setExitCode`; the bin decides when to exit. The
 * command modules hold only options and handlers: each handler imports its runner (and the engine behind it) when it
 * runs, so parsing loads no command's engine (~70 ms of imports, and prom-client for watch, were paid on every run
 * before).
 */
export function configureYargs(args: string[], io: Io, setExitCode: (code: number) => void, commands: readonly CommandModule[]): Argv {
  let parser = yargs(args.map((a) => (a === '-' ? STDIN_TOKEN : a)))
    .scriptName('xent')
    .usage('$0 <command> [options]\n\nStreaming evaluator for token log-probabilities: cross-entropy, perplexity, bits per byte, entropy and log loss.');
  for (const c of commands) parser = parser.command(c.command, c.describe, c.builder, c.handler(io, setExitCode));
  parser = parser
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
