import { PassThrough } from 'node:stream';
import yargs, { type Argv } from 'yargs';
import * as audit from '../../src/cli/audit-command.js';
import type { Io } from '../../src/cli/report-runner.js';
import { STDIN_TOKEN } from '../../src/cli/usage-error.js';

/** A command module as the CLI has them (command, describe, builder, handler). */
export interface CommandModule {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv<any>;
  handler: (io: Io, setExitCode: (code: number) => void) => (argv: any) => Promise<void>;
}

/**
 * Runs one command in-process through a local yargs holding only that command (the lead wires
 * audit and compare into buildYargs; until then this is how the tests reach them).
 */
export async function runLocalCommand(module: CommandModule, args: string[], stdinText?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  (stderr as unknown as PassThrough).on('data', (d: Buffer) => (err += d.toString()));
  const io: Io = { stdout, stderr, env: { NO_COLOR: '1' } };
  if (stdinText !== undefined) {
    const stdin = new PassThrough();
    stdin.end(stdinText);
    io.stdin = stdin;
  }
  let code = 0;
  try {
    await yargs([module.command.split(' ')[0] as string, ...args].map((a) => (a === '-' ? STDIN_TOKEN : a)))
      .command(module.command, module.describe, module.builder, module.handler(io, (c) => (code = c)))
      .strict()
      .exitProcess(false)
      .fail((message, error) => {
        throw error ?? new Error(message);
      })
      .parseAsync();
  } catch (error) {
    code = -1;
    err += (error as Error).message;
  }
  return { code, stdout: out, stderr: err };
}

export function runAudit(args: string[], stdinText?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runLocalCommand(audit as CommandModule, args, stdinText);
}
