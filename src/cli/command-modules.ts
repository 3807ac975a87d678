import type { CommandModule } from './configure-yargs.js';

/** Each command's module, loaded when asked for, in the order `xent --help` lists them (as build-yargs's ALL_COMMANDS). */
const LOADERS: Record<string, () => Promise<CommandModule>> = {
  report: () => import('./report-command.js'),
  run: () => import('./run-command.js'),
  watch: () => import('./watch-command.js'),
  audit: () => import('./audit-command.js'),
  compare: () => import('./compare-command.js'),
  merge: () => import('./merge-command.js'),
  submit: () => import('./submit-command.js'),
  worker: () => import('./worker-command.js'),
  collect: () => import('./collect-command.js'),
  jobs: () => import('./jobs-command.js'),
};

/**
 * The commands yargs needs for a command line: only the one it names, when its first word is a command (its options,
 * and the settings they check with, are then the only ones loaded); every one otherwise (`xent --help`, no command,
 * an unknown one), so the top-level help and messages list them all. test/cli/command-modules.test.ts checks that a
 * one-command parser prints the same help and errors as the full one.
 */
export async function commandModules(args: readonly string[]): Promise<CommandModule[]> {
  const first = args[0];
  const names = first !== undefined && Object.hasOwn(LOADERS, first) ? [first] : Object.keys(LOADERS);
  return Promise.all(names.map((name) => (LOADERS[name] as () => Promise<CommandModule>)()));
}
