import type { Argv, ArgumentsCamelCase } from 'yargs';
import { openDeadLetters, writeOutput } from '../audit/write-output.js';
import { compareFiles } from '../compare/compare-files.js';
import { renderCompareText } from '../compare/compare-text-report.js';
import type { FormatName } from '../formats/adapter.js';
import { renderComparePage } from '../reports/html/compare-page.js';
import { toJson } from '../reports/json-report.js';
import type { Framing } from '../streams/open-input.js';
import { EXIT } from './exit-codes.js';
import { withEvaluationOptions } from './report-options.js';
import type { Io } from './report-runner.js';
import { restoreStdin, UsageError } from './usage-error.js';

export const command = 'compare <a> <b>';
export const describe = 'Compare two dumps of the same prompts: mean difference with a bootstrap CI, win rate, most changed';

export function builder(yargs: Argv) {
  return withEvaluationOptions(yargs)
    .positional('a', { type: 'string', demandOption: true, describe: 'Side A: a dump file or a directory of them' })
    .positional('b', { type: 'string', demandOption: true, describe: 'Side B: a dump file or a directory of them' })
    .option('key', { type: 'string', describe: 'Dotted path into each record that identifies the prompt (default: the format\'s sequence id)' })
    .option('top', { type: 'number', default: 10, describe: 'Most-changed sequences to list' })
    .option('bootstrap', { type: 'number', default: 1000, describe: 'Bootstrap replicates for the 95% CI' })
    .option('seed', { type: 'number', default: 1, describe: 'Seed of the bootstrap\'s PRNG' })
    .option('partitions', { type: 'number', default: 64, describe: 'Hash partitions on disk; memory holds about 1/N of side A' })
    .option('json', { type: 'boolean', describe: 'Print the comparison as one JSON object' })
    .option('markdown', { type: 'boolean', describe: 'Print the comparison as Markdown' })
    .option('html', { type: 'string', describe: 'Also write a self-contained HTML page to this file' })
    .option('out', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('dead-letter', { type: 'string', describe: 'Append every bad line to this file as NDJSON {side, file, line, offset, code, reason, raw}' })
    .option('max-mean-difference', { type: 'number', describe: 'Threshold: exit 4 when the CI\'s lower end is above this (B worse by more than N nats)' })
    .conflicts('json', 'markdown')
    .check((argv) => {
      for (const name of ['top'] as const) {
        const v = argv[name];
        if (!Number.isInteger(v) || v < 0) throw new UsageError(`Expected \`--${name}\` to be an integer from 0 and up, got ${v}`);
      }
      for (const name of ['bootstrap', 'partitions', 'concurrency', 'max-line-bytes'] as const) {
        const v = argv[name];
        const min = name === 'bootstrap' ? 10 : 1;
        if (!Number.isInteger(v) || v < min) throw new UsageError(`Expected \`--${name}\` to be an integer from ${min} and up, got ${v}`);
      }
      if (!Number.isInteger(argv.seed)) throw new UsageError(`Expected \`--seed\` to be an integer, got ${argv.seed}`);
      return true;
    });
}

type CompareArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: CompareArgs): Promise<void> => {
    const [a, b] = restoreStdin([argv.a as string, argv.b as string]) as [string, string];
    if (a === '-' && b === '-') throw new UsageError('Only one side can be - (stdin).');
    const deadLetters = argv.deadLetter === undefined ? undefined : await openDeadLetters(argv.deadLetter);
    let report;
    try {
      report = await compareFiles([a], [b], {
        format: argv.inputFormat as FormatName | 'auto',
        segment: argv.segment,
        sentinels: argv.sentinels,
        key: argv.key,
        top: argv.top,
        replicates: argv.bootstrap,
        seed: argv.seed,
        partitions: argv.partitions,
        concurrency: argv.concurrency,
        maxLineBytes: argv.maxLineBytes,
        framing: argv.framing as Framing | 'auto',
        stdin: io.stdin,
        onBadRecord:
          deadLetters === undefined
            ? undefined
            : (side, bad, raw) => deadLetters.write({ side, file: bad.file, line: bad.line, element: bad.element, offset: bad.offset, code: bad.code, reason: bad.reason, raw }),
      });
    } finally {
      await deadLetters?.close();
    }
    const text = argv.json ? `${toJson(report, 2)}\n` : renderCompareText(report, { markdown: argv.markdown === true });
    await writeOutput(argv.out, text, io.stdout);
    if (argv.html !== undefined) await writeOutput(argv.html, renderComparePage(report), io.stdout);
    const failed = [...report.a.inputs, ...report.b.inputs].filter((i) => i.status === 'failed');
    for (const f of failed) io.stderr.write(`xent: ${f.error ?? f.file}\n`);
    const limit = argv.maxMeanDifference;
    const crossed = limit !== undefined && report.ci95.low > limit;
    if (crossed) io.stderr.write(`xent: threshold crossed: --max-mean-difference ${limit}: the 95% CI is [${report.ci95.low}, ${report.ci95.high}]\n`);
    setExitCode(failed.length > 0 ? EXIT.INPUT : crossed ? EXIT.THRESHOLD : EXIT.OK);
  };
}
