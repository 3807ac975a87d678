/**
 * Inputs for the threaded tests: files large enough to cut into many small ranges, made of the
 * fuzz corpus's whole-sequence records (xent sequences and chat responses, some broken, some
 * without ids) and, where a test needs them, records that span lines.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Evaluation } from '../../src/aggregate/evaluation.js';
import { evaluate, type EvaluateOptions } from '../../src/evaluate.js';
import { buildReport, type Report } from '../../src/reports/report.js';
import { evaluateThreaded } from '../../src/threads/evaluate-threaded.js';
import { scoreUnit } from '../../src/threads/score-unit.js';
import type { UnitOptions, UnitRunner, WorkUnit } from '../../src/threads/work-unit.js';
import { fuzzLines } from '../fast/fuzz-corpus.js';

/** Fuzz lines whose records are each a whole sequence (no streaming chunks, no one-token lines). */
export function wholeRecordLines(seed: number, count: number): string[] {
  return fuzzLines(seed, count * 2)
    .filter((line) => !/sequence_id|chat\.completion\.chunk|"delta"/.test(line))
    .slice(0, count);
}

export function write(dir: string, name: string, lines: string[], gzip = false): string {
  const path = join(dir, name);
  const text = `${lines.join('\n')}\n`;
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

/** Units read in-process by the same code a worker runs, counting what was run. */
export class InProcessRunner implements UnitRunner {
  readonly ran: WorkUnit[] = [];

  constructor(private readonly options: UnitOptions) {}

  run(unit: WorkUnit) {
    this.ran.push(unit);
    return scoreUnit(unit, this.options);
  }

  async close(): Promise<void> {}
}

/** The report of a threaded run (in-process units, ranges of at least `minRangeBytes`, reads of `readBytes`). */
export async function threadedReport(
  files: string[],
  threads: number,
  minRangeBytes: number,
  options: EvaluateOptions = {},
  readBytes?: number,
): Promise<{ report: Report; runner: InProcessRunner }> {
  const evaluation = new Evaluation({
    segment: options.segment ?? 'all',
    sentinels: options.sentinels ?? 'include',
    vocabSize: options.vocabSize,
    keepSequences: options.perSequence ?? false,
    maxExamples: options.maxExamples ?? 20,
  });
  const unit: UnitOptions = { accumulator: evaluation.options, format: options.format ?? 'auto', framing: 'auto', fastPath: options.fastPath ?? true, readBytes };
  const runner = new InProcessRunner(unit);
  await evaluateThreaded(evaluation, files, { threads, unit, main: { stdin: options.stdin }, runner, minRangeBytes });
  return { report: buildReport(evaluation), runner };
}

/** The single-threaded report of the same inputs. */
export function singleReport(files: string[], options: EvaluateOptions = {}): Promise<Report> {
  return evaluate(files, { ...options, threads: 1 });
}
