import { XentError } from '../errors.js';
import { buildReport } from '../reports/report.js';
import { mergeReportStates, reportStateOf, StateMergeError } from '../state/report-state.js';
import { readStateFile, writeStateFile } from '../state/state-file.js';
import { printReport, type PrintMode } from './print-report.js';
import type { Io } from './report-runner.js';

export interface MergeRun {
  states: string[];
  mode: PrintMode;
  out?: string;
  stateOut?: string;
  strict: boolean;
}

/** Reads every state (all are checked before any figure is printed), merges them and prints the report. */
export async function runMerge(run: MergeRun, io: Io): Promise<number> {
  const states = await Promise.all(run.states.map(async (name) => ({ name, state: await readStateFile(name) })));
  let evaluation;
  try {
    evaluation = mergeReportStates(states);
  } catch (error) {
    if (error instanceof StateMergeError) throw new XentError('INVALID_STATE', `cannot merge: ${error.message}`, { cause: error });
    throw error;
  }
  if (run.stateOut !== undefined) await writeStateFile(run.stateOut, reportStateOf(evaluation));
  return printReport(buildReport(evaluation), run.mode, run.out, run.strict, io);
}
