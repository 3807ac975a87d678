#!/usr/bin/env node
import { buildYargs } from './build-yargs.js';
import { EXIT } from './exit-codes.js';
import { describeFailure } from './describe-failure.js';
import { exitQuietlyOnBrokenPipe } from './terminal.js';
import { UsageError } from './usage-error.js';

exitQuietlyOnBrokenPipe(process.stdout);
exitQuietlyOnBrokenPipe(process.stderr);

let exitCode: number = EXIT.OK;
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
try {
  await buildYargs(process.argv.slice(2), io, (code) => {
    exitCode = code;
  }).parseAsync();
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`xent: ${error.message}\nRun xent --help for usage.\n`);
    exitCode = EXIT.USAGE;
  } else {
    const failure = describeFailure(error);
    process.stderr.write(`${failure.message}\n`);
    exitCode = failure.code;
  }
}
process.exitCode = exitCode;
