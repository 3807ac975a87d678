import { FRAMING_CHOICES, SEGMENT_CHOICES, SENTINEL_CHOICES } from './evaluation-choices.js';
import { CONCURRENCY, DEFAULT_MAX_LINE_BYTES } from './input-settings.js';
import { reportRun, type ReportCommandArgs } from './report-run.js';
import type { ReportRun } from './report-runner.js';
import { checkReportArgs, REPORT_DEFAULTS } from './report-settings.js';

/** The flags of `xent report` the quick door reads: the name it sets, and whether a value follows. */
type Flag = { key: keyof ReportCommandArgs; kind: 'boolean' | 'string' | 'integer'; choices?: readonly string[] };

const FLAGS: Record<string, Flag> = {
  '--json': { key: 'json', kind: 'boolean' },
  '--ndjson': { key: 'ndjson', kind: 'boolean' },
  '--markdown': { key: 'markdown', kind: 'boolean' },
  '--per-sequence': { key: 'perSequence', kind: 'boolean' },
  '--strict': { key: 'strict', kind: 'boolean' },
  '--out': { key: 'out', kind: 'string' },
  '-o': { key: 'out', kind: 'string' },
  '--dead-letter': { key: 'deadLetter', kind: 'string' },
  '--state-out': { key: 'stateOut', kind: 'string' },
  '--threads': { key: 'threads', kind: 'string' },
  '--segment': { key: 'segment', kind: 'string', choices: SEGMENT_CHOICES },
  '--sentinels': { key: 'sentinels', kind: 'string', choices: SENTINEL_CHOICES },
  '--framing': { key: 'framing', kind: 'string', choices: FRAMING_CHOICES },
  // The format registry (every adapter) is what the quick door saves loading: only the default is read here.
  '--input-format': { key: 'inputFormat', kind: 'string', choices: ['auto'] },
  '-f': { key: 'inputFormat', kind: 'string', choices: ['auto'] },
  '--window': { key: 'window', kind: 'integer' },
  '--every': { key: 'window', kind: 'integer' },
  '--vocab-size': { key: 'vocabSize', kind: 'integer' },
  '--concurrency': { key: 'concurrency', kind: 'integer' },
  '--max-line-bytes': { key: 'maxLineBytes', kind: 'integer' },
};

/**
 * The quick door of `xent report`: the run a plain `report` command line asks for, read without loading yargs and
 * every command's options (about 0.1 s of a 0.25 s run on a small file, measured with `node --cpu-prof`); undefined
 * for anything it does not read exactly as yargs does, which then goes the long way (buildYargs), errors and help
 * included. It reads `report`, then files (or `-`) and the report flags in their plain spellings (`--name value`,
 * `--name=value`, `-o value`), each at most once, with values that yargs would take as they are. Whatever else
 * (another command, `--help`, `--no-json`, camel-case names, a repeated flag, a value starting with `-`, `--`) is left to yargs, as is any line that fails a check, so every message stays yargs's.
 * test/cli/quick-report.test.ts checks it against buildYargs on generated command lines.
 */
export function quickReportRun(args: readonly string[]): ReportRun | undefined {
  if (args[0] !== 'report') return undefined;
  const argv: ReportCommandArgs = {
    files: [],
    strict: false,
    perSequence: false,
    inputFormat: 'auto',
    segment: 'all',
    sentinels: 'include',
    concurrency: CONCURRENCY.report,
    maxLineBytes: DEFAULT_MAX_LINE_BYTES,
    framing: 'auto',
    threads: REPORT_DEFAULTS.threads,
  };
  const files: string[] = [];
  const seen = new Set<keyof ReportCommandArgs>();
  for (let i = 1; i < args.length; i++) {
    const token = args[i] as string;
    if (token === '-') {
      files.push(token);
      continue;
    }
    if (!token.startsWith('-')) {
      // A lone true/false after a boolean flag would be its value to yargs.
      if (token === 'true' || token === 'false') return undefined;
      files.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = eq > 0 && token.startsWith('--') ? token.slice(0, eq) : token;
    const flag = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
    if (flag === undefined || seen.has(flag.key)) return undefined;
    seen.add(flag.key);
    if (flag.kind === 'boolean') {
      if (name !== token) return undefined;
      (argv as unknown as Record<string, unknown>)[flag.key] = true;
      continue;
    }
    const value = name !== token ? token.slice(eq + 1) : args[++i];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (flag.choices !== undefined && !flag.choices.includes(value)) return undefined;
    if (flag.kind === 'integer' && !/^[1-9][0-9]{0,14}$/.test(value)) return undefined;
    (argv as unknown as Record<string, unknown>)[flag.key] = flag.kind === 'integer' ? Number(value) : value;
  }
  argv.files = files;
  const outputs = [argv.json, argv.ndjson, argv.markdown].filter(Boolean).length;
  if (outputs > 1) return undefined;
  try {
    checkReportArgs({ ...argv, 'vocab-size': argv.vocabSize, 'max-line-bytes': argv.maxLineBytes });
    return reportRun(argv);
  } catch {
    return undefined;
  }
}
