import { XentError } from '../errors.js';
import { buildReport } from '../reports/report.js';
import { mergeReportStates, reportStateOf, StateMergeError, type ReportState } from '../state/report-state.js';
import { parseStateBytes, readStateFile, writeStateFile } from '../state/state-file.js';
import { parseDuration } from '../watch/duration.js';
import { printReport, type PrintMode } from './print-report.js';
import type { Io } from './report-runner.js';

export interface MergeRun {
  states: string[];
  mode: PrintMode;
  out?: string;
  stateOut?: string;
  strict: boolean;
  /** Read the states a fleet of daemons published instead of files. */
  fleet?: { nats: string; creds?: string; bucket: string; stale?: string; timeoutMs: number };
}

/** Reads every state (all are checked before any figure is printed), merges them and prints the report. */
export async function runMerge(run: MergeRun, io: Io): Promise<number> {
  const states = run.fleet === undefined ? await Promise.all(run.states.map(async (name) => ({ name, state: await readStateFile(name) }))) : await fleetStates(run.fleet, io);
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

/** Every node's newest state, with its age on stderr; nodes older than --stale are named. */
async function fleetStates(fleet: NonNullable<MergeRun['fleet']>, io: Io): Promise<{ name: string; state: ReportState }[]> {
  const staleMs = fleet.stale === undefined ? undefined : parseDuration(fleet.stale, '--stale');
  const { parseBrokerAddress } = await import('../distributed/broker-address.js');
  const { connectBroker } = await import('../distributed/broker.js');
  const { readFleet } = await import('../distributed/fleet-publisher.js');
  const broker = await connectBroker(parseBrokerAddress(fleet.nats), { creds: fleet.creds, timeoutMs: fleet.timeoutMs });
  try {
    const nodes = await readFleet(broker, fleet.bucket, parseStateBytes);
    if (nodes.length === 0) throw new XentError('INVALID_STATE', `bucket ${fleet.bucket} on ${broker.display} holds no node's state yet`);
    const now = Date.now();
    for (const n of nodes) {
      const age = Math.max(0, Math.round((now - n.time.getTime()) / 1000));
      const stale = staleMs !== undefined && now - n.time.getTime() > staleMs;
      io.stderr.write(`xent: node ${n.node}: state ${age}s old${stale ? ` — stale (older than --stale ${fleet.stale})` : ''}\n`);
    }
    return nodes.map((n) => ({ name: `node ${n.node}`, state: n.state }));
  } finally {
    await broker.close();
  }
}
