import { type DocumentOutput, openDeadLetters, writeOutputs } from '../audit/write-output.js';
import { compareFiles } from '../compare/compare-files.js';
import type { CompareReport } from '../compare/compare-report.js';
import { renderCompareText } from '../compare/compare-text-report.js';
import { deadLetterLine } from '../formats/dead-letter.js';
import { renderComparePage } from '../compare/compare-page.js';
import { toJson } from '../reports/json-report.js';
import { finishRun } from './finish-run.js';
import type { InputSettings } from './input-settings.js';
import type { Io } from './report-runner.js';
import { UsageError } from './usage-error.js';

/** What `xent compare` and a compare pipeline (`xent run`) need. */
export interface CompareSettings {
  /** Side A and side B: a file or a directory each, or '-' for one of them. */
  a: string;
  b: string;
  read: InputSettings;
  key?: string;
  top: number;
  bootstrap: number;
  seed: number;
  partitions: number;
  /** Also compare the distributions position by position (KL, same top-1, Δp). */
  kl?: boolean;
  /** The comparison as text, json or markdown, and the page as html, each to a file or stdout. */
  outputs: DocumentOutput[];
  deadLetter?: string;
  /** Exit 4 when the 95% CI's lower end is above this (B worse by more than this many nats). */
  maxMeanDifference?: number;
  /** With kl: exit 4 when the mean KL is above this (nats). */
  maxMeanKl?: number;
}

/** Compares side A with side B, writes every output, names what failed or crossed; returns the exit code. */
export async function runCompare(settings: CompareSettings, io: Io): Promise<number> {
  if (settings.a === '-' && settings.b === '-') throw new UsageError('Only one side can be - (stdin).');
  const deadLetters = settings.deadLetter === undefined ? undefined : await openDeadLetters(settings.deadLetter);
  let report: CompareReport;
  try {
    report = await compareFiles([settings.a], [settings.b], {
      ...settings.read,
      key: settings.key,
      top: settings.top,
      replicates: settings.bootstrap,
      seed: settings.seed,
      partitions: settings.partitions,
      kl: settings.kl,
      stdin: io.stdin,
      onBadRecord: deadLetters === undefined ? undefined : (side, bad, raw) => deadLetters.write(deadLetterLine(bad, raw, { side })),
    });
  } finally {
    await deadLetters?.close();
  }
  await writeOutputs(
    settings.outputs,
    (type) =>
      type === 'json' ? `${toJson(report, 2)}\n` : type === 'html' ? renderComparePage(report) : renderCompareText(report, { markdown: type === 'markdown' }),
    io.stdout,
  );
  const limit = settings.maxMeanDifference;
  const crossed = limit !== undefined && report.ci95.low > limit ? [`--max-mean-difference ${limit}: the 95% CI is [${report.ci95.low}, ${report.ci95.high}]`] : [];
  const klLimit = settings.maxMeanKl;
  const kl = report.kl;
  // A gate that compared nothing has not passed: say so rather than exit 0.
  if (klLimit !== undefined && kl !== undefined && kl.positions === 0) crossed.push(`--max-mean-kl ${klLimit}: no position could be compared`);
  if (klLimit !== undefined && kl !== undefined && kl.mean > klLimit) {
    const bound = kl.exact_positions < kl.positions ? ' (a lower bound: top-k positions)' : '';
    crossed.push(`--max-mean-kl ${klLimit}: the mean KL is ${kl.mean} nats${bound} over ${kl.positions} positions`);
  }
  return finishRun(io, [...report.a.inputs, ...report.b.inputs], crossed);
}
