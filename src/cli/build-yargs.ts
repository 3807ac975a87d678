import type { Argv } from 'yargs';
import * as audit from './audit-command.js';
import * as collect from './collect-command.js';
import * as compare from './compare-command.js';
import { configureYargs, type CommandModule } from './configure-yargs.js';
import * as jobs from './jobs-command.js';
import * as merge from './merge-command.js';
import * as report from './report-command.js';
import type { Io } from './report-runner.js';
import * as run from './run-command.js';
import * as submit from './submit-command.js';
import * as watchCommand from './watch-command.js';
import * as worker from './worker-command.js';

/** Every command, in the order `xent --help` lists them (cli/command-modules.ts loads them in the same order). */
export const ALL_COMMANDS: readonly CommandModule[] = [report, run, watchCommand, audit, compare, merge, submit, worker, collect, jobs];

/**
 * The parser with every command (tests, and the reference the bin's one-command parsers are checked against); the
 * bin loads only the command a line names (cli/command-modules.ts) and passes it to configureYargs.
 */
export function buildYargs(args: string[], io: Io, setExitCode: (code: number) => void): Argv {
  return configureYargs(args, io, setExitCode, ALL_COMMANDS);
}
