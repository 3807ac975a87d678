import { CorpusAccumulator } from '../aggregate/corpus-accumulator.js';
import type { Evaluation } from '../aggregate/evaluation.js';
import type { RecordOutcome } from '../formats/record-outcome.js';
import { scoreInput, type ScoreInputOptions } from '../streams/score-input.js';
import { planUnits, type FilePlan } from './plan-units.js';
import { WorkerPool } from './worker-pool.js';
import type { UnitOptions, UnitResult, UnitRunner, WorkUnit } from './work-unit.js';

export interface ThreadedRun {
  threads: number;
  unit: UnitOptions;
  /** How the main thread reads what stays on it (stdin, and inputs a thread could not read). */
  main: ScoreInputOptions;
  /** Records and tokens read since the last call, and files finished. */
  onProgress?: (records: number, tokens: number, filesDone: number) => void;
  /** Runs the units (default: a pool of `threads` worker threads); tests run them in-process. */
  runner?: UnitRunner;
  /** Smallest range a file is cut into (tests cut small files). */
  minRangeBytes?: number;
}

/**
 * Reads `files` on worker threads into `evaluation`, with the same figures, to the last bit, as
 * reading them one after another on the main thread:
 * - each file's accumulator is its ranges' accumulators merged in file order (exact sums merge
 *   exactly, and bad-record examples keep their order);
 * - a range whose records turned out not to be whole sequences makes the file be read again as
 *   one unit (a cut could have split a sequence);
 * - ranges after the first count lines from 1; once the ranges before them end, their line numbers
 *   are shifted to the true ones — or, if a record was named after its line, read again from the
 *   true first line;
 * - the mean of per-sequence perplexities is exact only while its sum is finite (past that it is
 *   a log-sum-exp, which depends on order), so a file whose sum overflows is read again as one unit;
 * - a file a thread cannot read, and stdin, are read on the main thread, which reports them as
 *   the single-threaded path does.
 * Files are added to the evaluation in input order.
 */
export async function evaluateThreaded(evaluation: Evaluation, files: readonly string[], run: ThreadedRun): Promise<void> {
  let filesDone = 0;
  const runner = run.runner ?? new WorkerPool(run.threads, run.unit, (records, tokens) => run.onProgress?.(records, tokens, filesDone));
  let accumulators: (CorpusAccumulator | undefined)[];
  try {
    const plans = await planUnits(files, run.threads, run.unit, run.minRangeBytes);
    accumulators = await Promise.all(
      plans.map(async (plan) => {
        if (plan.units.length === 0) return undefined;
        const accumulator = await fileAccumulator(plan, runner, run.unit);
        filesDone++;
        run.onProgress?.(0, 0, filesDone);
        return accumulator;
      }),
    );
  } finally {
    await runner.close();
  }
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as string;
    const name = file === '-' ? '<stdin>' : file;
    const accumulator = accumulators[i];
    if (accumulator !== undefined) {
      evaluation.adopt(name, accumulator);
      continue;
    }
    const index = evaluation.addFile(name);
    try {
      await scoreInput(
        file,
        (outcome: RecordOutcome) => {
          evaluation.accept(index, outcome);
          run.onProgress?.(1, tokensOf(outcome), filesDone);
        },
        run.main,
      );
      evaluation.finishFile(index);
    } catch (error) {
      evaluation.failFile(index, error instanceof Error ? error.message : String(error));
    }
    filesDone++;
    run.onProgress?.(0, 0, filesDone);
  }
}

/** One file's finished accumulator from its units, or undefined when the main thread must read it. */
async function fileAccumulator(plan: FilePlan, runner: UnitRunner, options: UnitOptions): Promise<CorpusAccumulator | undefined> {
  const units = plan.units;
  const whole: WorkUnit = { path: plan.path, start: 0, startLine: 1, lineExact: true };
  const results = await Promise.all(units.map((u) => runSafely(runner, u)));
  if (results.some((r) => r.error !== undefined)) return undefined;
  if (units.length === 1 && units[0]?.end === undefined) return accumulatorOf(results[0] as UnitResult, options);
  if (results.some((r) => !r.wholeRecords)) return wholeFile(runner, whole, options);
  const merged = new CorpusAccumulator(options.accumulator);
  let line = 1;
  for (let k = 0; k < units.length; k++) {
    const unit = units[k] as WorkUnit;
    let result = results[k] as UnitResult;
    let shift = 0;
    if (!unit.lineExact) {
      if (result.fallbackIds) {
        result = await runSafely(runner, { ...unit, startLine: line, lineExact: true });
        if (result.error !== undefined || !result.wholeRecords) return wholeFile(runner, whole, options);
      } else {
        shift = line - unit.startLine;
      }
    }
    const accumulator = accumulatorOf(result, options);
    if (shift !== 0) shiftLines(accumulator, shift);
    merged.merge(accumulator);
    line += result.lines;
  }
  if (!Number.isFinite(merged.sequencePerplexity.value())) return wholeFile(runner, whole, options);
  merged.finish();
  return merged;
}

async function wholeFile(runner: UnitRunner, unit: WorkUnit, options: UnitOptions): Promise<CorpusAccumulator | undefined> {
  const result = await runSafely(runner, unit);
  return result.error === undefined ? accumulatorOf(result, options) : undefined;
}

/** A unit's result; a thread that died counts as an input it could not read (the main thread reads it). */
async function runSafely(runner: UnitRunner, unit: WorkUnit): Promise<UnitResult> {
  try {
    return await runner.run(unit);
  } catch (error) {
    return { lines: 0, wholeRecords: false, fallbackIds: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function accumulatorOf(result: UnitResult, options: UnitOptions): CorpusAccumulator {
  if (result.state === undefined) throw new Error('a unit without an error must have a state');
  const accumulator = CorpusAccumulator.fromJSON(result.state, options.accumulator);
  if (result.finished !== undefined) accumulator.finished = result.finished;
  if (result.logPerplexity !== undefined) {
    accumulator.sequenceLogPerplexity.max = result.logPerplexity.max;
    accumulator.sequenceLogPerplexity.sum = result.logPerplexity.sum;
  }
  return accumulator;
}

/** Provisional line numbers (counted from the range's start) → true ones. */
function shiftLines(accumulator: CorpusAccumulator, shift: number): void {
  const move = <T extends { line?: number }>(items: T[]): T[] => items.map((item) => (item.line === undefined ? item : { ...item, line: item.line + shift }));
  accumulator.badExamples = move(accumulator.badExamples);
  accumulator.failedExamples = move(accumulator.failedExamples);
  accumulator.finished = move(accumulator.finished);
}

function tokensOf(outcome: RecordOutcome): number {
  let tokens = 0;
  if (outcome.kind === 'scored') for (const item of outcome.items) if (item.kind === 'tokens') tokens += item.logprobs.length;
  return tokens;
}
