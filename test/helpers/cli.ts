import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildYargs } from '../../src/cli/build-yargs.js';
import type { Io } from '../../src/cli/report-runner.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = join(repoRoot, 'dist', 'cli', 'bin.js');

/** Runs the CLI in-process (no spawn) with captured stdout/stderr. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough() as unknown as NodeJS.WriteStream;
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  (stderr as unknown as PassThrough).on('data', (d: Buffer) => (err += d.toString()));
  const io: Io = { stdout, stderr, env };
  let code = 0;
  try {
    await buildYargs(args, io, (c) => (code = c)).parseAsync();
  } catch (error) {
    code = -1;
    err += (error as Error).message;
  }
  return { code, stdout: out, stderr: err };
}

/** Runs the built CLI as a process. */
export function spawnCli(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
