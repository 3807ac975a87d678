#!/usr/bin/env node
import { EXIT } from './exit-codes.js';
import { describeFailure } from './describe-failure.js';
import { quickReportRun } from './quick-report.js';
import { exitQuietlyOnBrokenPipe } from './terminal.js';
import { UsageError } from './usage-error.js';
import { XENT_VERSION } from '../version.js';

exitQuietlyOnBrokenPipe(process.stdout);
exitQuietlyOnBrokenPipe(process.stderr);

let exitCode: number = EXIT.OK;
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
const args = process.argv.slice(2);
try {
  // A plain `xent report` skips yargs and the other commands' modules (start-up on small files); anything else,
  // or anything the quick door cannot read exactly as yargs would, is parsed by yargs as before.
  const quick = quickReportRun(args);
  if (args.length === 1 && args[0] === '--version') {
    // What yargs's .version() prints, without loading yargs for it.
    process.stdout.write(`${XENT_VERSION}\n`);
  } else if (quick !== undefined) {
    const { runReport } = await import('./report-runner.js');
    exitCode = await runReport(quick, io);
  } else {
    const [{ configureYargs }, commands] = await Promise.all([import('./configure-yargs.js'), import('./command-modules.js').then((m) => m.commandModules(args))]);
    await configureYargs(args, io, (code) => {
      exitCode = code;
    }, commands).parseAsync();
  }
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
