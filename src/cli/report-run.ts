import type { FormatName } from '../formats/adapter.js';
import type { Segment } from '../formats/scored-batch.js';
import type { Framing } from '../streams/open-input.js';
import type { ReportRun } from './report-runner.js';
import { reportThreads } from './report-settings.js';
import { restoreStdin } from './usage-error.js';

/** `xent report`'s options once parsed and checked, camel-cased as yargs gives them to a handler. */
export interface ReportCommandArgs {
  files?: string[];
  json?: boolean;
  ndjson?: boolean;
  markdown?: boolean;
  out?: string;
  strict: boolean;
  deadLetter?: string;
  stateOut?: string;
  inputFormat: string;
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  vocabSize?: number;
  perSequence: boolean;
  window?: number;
  concurrency: number;
  maxLineBytes: number;
  framing: string;
  threads: unknown;
}

/**
 * What `xent report` asks the runner for. One mapping for both ways in (the yargs handler and the quick door of
 * quick-report.ts), so the two cannot build different runs from the same options.
 */
export function reportRun(argv: ReportCommandArgs): ReportRun {
  return {
    inputs: restoreStdin(argv.files ?? []),
    outputs: [{ type: argv.json ? 'json' : argv.ndjson ? 'ndjson' : argv.markdown ? 'markdown' : 'text', path: argv.out }],
    strict: argv.strict,
    deadLetter: argv.deadLetter,
    stateOut: argv.stateOut,
    evaluate: {
      format: argv.inputFormat as FormatName | 'auto',
      segment: argv.segment,
      sentinels: argv.sentinels,
      vocabSize: argv.vocabSize,
      perSequence: argv.perSequence,
      every: argv.window,
      concurrency: argv.concurrency,
      maxLineBytes: argv.maxLineBytes,
      framing: argv.framing as Framing | 'auto',
      threads: reportThreads(argv.threads),
    },
  };
}
