import type { Argv, ArgumentsCamelCase } from 'yargs';
import { RANK_METRICS, type RankMetric } from '../audit/sequence-scores.js';
import { parseAnomalyLimits } from '../audit/thresholds.js';
import { commandOutputs } from '../audit/write-output.js';
import { AUDIT_DEFAULTS, checkAuditArgs } from './audit-settings.js';
import { CONCURRENCY, inputSettings } from './input-settings.js';
import { withEvaluationOptions } from './report-options.js';
import type { Io } from './report-runner.js';
import { restoreStdin } from './usage-error.js';

export const command = 'audit [files..]';
export const describe = 'Find what is wrong in a corpus: worst sequences, quantiles, anomalies, bad records; thresholds for CI';

export function builder(yargs: Argv) {
  return withEvaluationOptions(yargs, CONCURRENCY.ordered)
    .positional('files', { type: 'string', array: true, describe: 'Dump files, directories of them, or - for stdin' })
    .option('top', { type: 'number', default: AUDIT_DEFAULTS.top, describe: 'Worst and best sequences to list' })
    .option('rank-by', { choices: RANK_METRICS, default: AUDIT_DEFAULTS.rankBy, describe: 'Score that ranks sequences (entropy: exact where the dump has full distributions, else the top-k lower bound)' })
    .option('group-by', { type: 'string', describe: 'Dotted path into each record (model, response.body.model, doc.task): every figure per group' })
    .option('max-groups', { type: 'number', default: AUDIT_DEFAULTS.maxGroups, describe: 'Distinct groups kept; later values share one overflow group' })
    .option('json', { type: 'boolean', describe: 'Print the audit as one JSON object' })
    .option('markdown', { type: 'boolean', describe: 'Print the audit as Markdown' })
    .option('html', { type: 'string', describe: 'Also write a self-contained HTML page (charts, token heat-map) to this file' })
    .option('detail-tokens', { type: 'number', default: AUDIT_DEFAULTS.detailTokens, describe: 'With --html: tokens shown per worst sequence in the heat-map' })
    .option('out', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('dead-letter', { type: 'string', describe: 'Append every bad line to this file as NDJSON {file, line, element, offset, code, reason, raw}' })
    .option('max-perplexity', { type: 'number', describe: 'Threshold: corpus (and each group\'s) perplexity' })
    .option('max-p99-perplexity', { type: 'number', describe: 'Threshold: p99 of per-sequence perplexity' })
    .option('max-bad-records', { type: 'number', describe: 'Threshold: bad records' })
    .option('max-anomalies', { type: 'string', array: true, describe: 'Threshold KIND=N (repeatable), KIND an anomaly kind or all, e.g. sentinel=0' })
    .conflicts('json', 'markdown')
    .check((argv) => checkAuditArgs(argv));
}

type AuditArgs = ArgumentsCamelCase<Awaited<ReturnType<ReturnType<typeof builder>['parseAsync']>>>;

export function handler(io: Io, setExitCode: (code: number) => void) {
  return async (argv: AuditArgs): Promise<void> => {
    // The runner (and the audit engine behind it) loads only when an audit runs: see build-yargs.
    const { runAudit } = await import('./audit-runner.js');
    setExitCode(
      await runAudit(
        {
          inputs: restoreStdin((argv.files as string[] | undefined) ?? []),
          read: inputSettings(argv),
          vocabSize: argv.vocabSize,
          top: argv.top,
          rankBy: argv.rankBy as RankMetric,
          groupBy: argv.groupBy,
          maxGroups: argv.maxGroups,
          detailTokens: argv.detailTokens,
          outputs: commandOutputs(argv),
          deadLetter: argv.deadLetter,
          thresholds: {
            maxPerplexity: argv.maxPerplexity,
            maxP99Perplexity: argv.maxP99Perplexity,
            maxBadRecords: argv.maxBadRecords,
            maxAnomalies: parseAnomalyLimits((argv.maxAnomalies as string[] | undefined) ?? []),
          },
        },
        io,
      ),
    );
  };
}
