import { CorpusAccumulator } from '../aggregate/corpus-accumulator.js';
import { Evaluation } from '../aggregate/evaluation.js';
import { adapterByName } from '../formats/registry.js';
import type { RecordOutcome } from '../formats/record-outcome.js';
import { scoreInput, scoreLines } from '../streams/score-input.js';
import type { UnitOptions, UnitResult, WorkUnit } from './work-unit.js';

/** Progress is reported at most this often, as counts since the last report. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Reads one unit into its own accumulator: what a worker thread does, and what tests run
 * in-process. A whole input goes through scoreInput exactly as on the main thread; a range goes
 * through the same line path from its first byte and line. Records are checked as they go by for
 * what decides whether ranges can be merged: sequences that span records, and (where line numbers
 * are provisional) ids made from line numbers.
 */
export async function scoreUnit(
  unit: WorkUnit,
  options: UnitOptions,
  onProgress?: (records: number, tokens: number) => void,
): Promise<UnitResult> {
  const accumulator = new CorpusAccumulator(options.accumulator);
  // Figures only: rolling reports and dead letters follow input order, so they never run in a unit.
  const evaluation = new Evaluation({ ...options.accumulator, every: undefined, window: undefined });
  const adapter = options.format === 'auto' ? undefined : adapterByName(options.format);
  const name = unit.path;
  let wholeRecords = true;
  let fallbackIds = false;
  let records = 0;
  let tokens = 0;
  let nextProgress = 0;
  const sink = (outcome: RecordOutcome): void => {
    records++;
    evaluation.fold(accumulator, outcome);
    if (outcome.kind === 'scored') {
      const lineName = unit.lineExact ? undefined : `${outcome.origin.file}:${outcome.origin.line}`;
      for (const item of outcome.items) {
        if (item.kind === 'tokens') {
          tokens += item.logprobs.length;
          if (!item.final) wholeRecords = false;
        }
        if (lineName !== undefined && item.sequenceId.startsWith(lineName)) fallbackIds = true;
      }
    }
    if (onProgress !== undefined) {
      const now = Date.now();
      if (now >= nextProgress) {
        nextProgress = now + PROGRESS_INTERVAL_MS;
        onProgress(records, tokens);
        records = 0;
        tokens = 0;
      }
    }
  };
  let lines = 0;
  try {
    if (unit.end === undefined) {
      await scoreInput(unit.path, sink, {
        adapter,
        framing: options.framing,
        maxLineBytes: options.maxLineBytes,
        fastPath: options.fastPath,
        readBytes: options.readBytes,
      });
      accumulator.finish();
    } else {
      const next = await scoreLines({ path: unit.path, start: unit.start, end: unit.end }, name, sink, {
        adapter,
        maxLineBytes: options.maxLineBytes,
        fastPath: options.fastPath,
        startOffset: unit.start,
        startLine: unit.startLine,
        readBytes: options.readBytes,
      });
      lines = next - unit.startLine;
    }
  } catch (error) {
    return { lines, wholeRecords, fallbackIds, error: error instanceof Error ? error.message : String(error) };
  }
  onProgress?.(records, tokens);
  const { max, sum } = accumulator.sequenceLogPerplexity;
  return { state: accumulator.toJSON(), finished: accumulator.finished, logPerplexity: { max, sum }, lines, wholeRecords, fallbackIds };
}
