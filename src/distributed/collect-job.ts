import type { KV } from '@nats-io/kv';
import pLimit from 'p-limit';
import { CorpusAccumulator } from '../aggregate/corpus-accumulator.js';
import type { Evaluation } from '../aggregate/evaluation.js';
import { mergeReportStates, type FileState, type ReportState } from '../state/report-state.js';
import { parseStateBytes } from '../state/state-file.js';
import type { Broker } from './broker.js';
import { shardKey } from './job-names.js';
import { keysOf, openJob } from './job-store.js';
import type { JobManifest } from './shard-task.js';

/** Shard states asked of the broker at once. */
const IN_FLIGHT = 16;

export interface JobProgress {
  job: string;
  total: number;
  done: number;
  bytes: number;
  bytesDone: number;
  /** Shards whose state says they failed, with why. */
  failed: { index: number; where: string; error: string }[];
}

/** How far a job is: shards whose state is in the bucket, and which of them failed. */
export async function jobProgress(kv: KV, manifest: JobManifest): Promise<{ progress: JobProgress; states: Map<number, ReportState> }> {
  const keys = new Set(await keysOf(kv, 'shard.*'));
  const states = new Map<number, ReportState>();
  const progress: JobProgress = { job: manifest.job, total: manifest.shards.length, done: 0, bytes: 0, bytesDone: 0, failed: [] };
  // The states are fetched IN_FLIGHT at a time, not one round trip after another (all of them
  // are kept anyway, for the merge), and folded in shard order, so the progress and its failures
  // read the same however the replies arrive.
  const limit = pLimit(IN_FLIGHT);
  const entries = await Promise.all(manifest.shards.map((shard) => (keys.has(shardKey(shard.index)) ? limit(() => kv.get(shardKey(shard.index))) : null)));
  for (const [i, shard] of manifest.shards.entries()) {
    progress.bytes += shard.bytes;
    const entry = entries[i];
    if (entry === null || entry === undefined || entry.operation !== 'PUT') continue;
    const state = parseStateBytes(entry.value, `job ${manifest.job} shard ${shard.index}`);
    states.set(shard.index, state);
    progress.done++;
    progress.bytesDone += shard.bytes;
    const file = state.files[0] as FileState | undefined;
    if (file?.status === 'failed') progress.failed.push({ index: shard.index, where: `${shard.path} bytes ${shard.start}–${shard.end ?? 'end'}`, error: file.error ?? 'failed' });
  }
  return { progress, states };
}

/** The job's progress, and once every shard is in, the merged evaluation (equal to one `xent report`). */
export async function collectJob(broker: Broker, job: string): Promise<{ progress: JobProgress; evaluation?: Evaluation }> {
  const { kv, manifest } = await openJob(broker, job);
  const { progress, states } = await jobProgress(kv, manifest);
  if (progress.done < progress.total) return { progress };
  // A file with a failed shard is reported failed as a whole (with the first shard's error), as
  // `xent report` reports a file it could not read: its other shards' figures are left out.
  const failedFiles = new Map<string, string>();
  for (const f of progress.failed) {
    const path = manifest.shards[f.index]?.path;
    if (path !== undefined && !failedFiles.has(path)) failedFiles.set(path, `shard ${f.index}: ${f.error}`);
  }
  const named: { name: string; state: ReportState }[] = [];
  for (const [path, error] of failedFiles) {
    const any = states.get(manifest.shards.find((s) => s.path === path)?.index ?? -1) as ReportState;
    const empty = { ...(any.files[0] as FileState), status: 'failed' as const, error };
    delete empty.range;
    empty.accumulator = new CorpusAccumulator().toJSON();
    named.push({ name: `job ${job} ${path}`, state: { settings: any.settings, files: [empty] } });
  }
  for (const s of manifest.shards) {
    if (failedFiles.has(s.path)) continue;
    named.push({ name: `job ${job} shard ${s.index}`, state: states.get(s.index) as ReportState });
  }
  const evaluation = mergeReportStates(named);
  return { progress, evaluation };
}
