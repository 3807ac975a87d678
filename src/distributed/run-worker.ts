import { open } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { JsMsg } from '@nats-io/jetstream';
import { CorpusAccumulator } from '../aggregate/corpus-accumulator.js';
import type { FormatName } from '../formats/adapter.js';
import type { Framing } from '../streams/open-input.js';
import type { FileState, ReportState } from '../state/report-state.js';
import { encodeState } from '../state/state-envelope.js';
import type { UnitOptions } from '../threads/work-unit.js';
import { stillHolds } from '../watch/file-fingerprint.js';
import { describe, type Broker } from './broker.js';
import { jobBucket, shardKey } from './job-names.js';
import { jobConsumer, listJobNames } from './job-store.js';
import { scoreShard } from './score-shard.js';
import type { ShardTask } from './shard-task.js';

export interface WorkerOptions {
  /** Serve this job only (default: every job on the broker). */
  job?: string;
  /** Tasks worked on at once. */
  concurrency: number;
  /** Exit when no job has a task left, queued or in progress. */
  untilIdle: boolean;
  /** Progress and problems, one line each. */
  log: (line: string) => void;
  /** Resolves when the worker should stop taking tasks (SIGTERM). */
  stop?: Promise<void>;
}

const FETCH_WAIT_MS = 1000;
/** In-progress acks this often keep a long shard from being redelivered while it is still read. */
const WORKING_EVERY_MS = 5000;

/**
 * Takes tasks, folds each shard, puts its state into the job's bucket under the shard's key and
 * only then acks. A worker killed at any moment loses nothing (the task comes back after its ack
 * wait) and counts nothing twice (the same key gets the same state). Returns the shards done.
 */
export async function runWorker(broker: Broker, options: WorkerOptions): Promise<number> {
  let done = 0;
  let stopping = false;
  void options.stop?.then(() => (stopping = true));
  const loop = async (): Promise<void> => {
    while (!stopping) {
      const jobs = options.job === undefined ? await retry(() => listJobNames(broker), options) : [options.job];
      let took = false;
      let busy = false;
      for (const job of jobs) {
        if (stopping) break;
        let msg: JsMsg | null;
        let consumer;
        try {
          consumer = await jobConsumer(broker, job);
          if (consumer === undefined) continue;
          if (options.untilIdle) {
            // Ask first: a pull on an empty queue would wait out its whole expiry before saying so.
            // A task still unacknowledged is not done: it may be one whose worker died, which
            // JetStream hands out again only to a pull once its ack wait is over (it is counted
            // in num_ack_pending, never again in num_pending), so pull while any is left.
            const info = await consumer.info();
            if (info.num_pending === 0 && info.num_ack_pending === 0) continue;
          }
          msg = await consumer.next({ expires: FETCH_WAIT_MS });
        } catch (error) {
          options.log(`xent worker: ${job}: waiting for the broker (${describe(error)})`);
          await sleep(1000);
          busy = true;
          continue;
        }
        if (msg === null) {
          try {
            const info = await consumer.info();
            if (info.num_pending > 0 || info.num_ack_pending > 0) busy = true;
          } catch {
            busy = true;
          }
          continue;
        }
        took = true;
        await work(broker, msg, options);
        done++;
      }
      if (!took && !busy && options.untilIdle) return;
      if (!took && jobs.length === 0) await sleep(FETCH_WAIT_MS);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return done;
}

async function work(broker: Broker, msg: JsMsg, options: WorkerOptions): Promise<void> {
  let task: ShardTask;
  try {
    task = JSON.parse(msg.string()) as ShardTask;
  } catch {
    // Not a task xent wrote: redelivering it would only fail again.
    options.log(`xent worker: a message on ${msg.subject} is not a shard task; dropped`);
    msg.term();
    return;
  }
  const where = `${task.path} bytes ${task.start}–${task.end ?? task.size}`;
  const working = setInterval(() => msg.working(), WORKING_EVERY_MS);
  try {
    if (msg.info.deliveryCount > 1) options.log(`xent worker: ${task.job} shard ${task.index} (${where}): delivery ${msg.info.deliveryCount}, reading it again`);
    const state: ReportState = { settings: settingsOf(task), files: [await fold(task)] };
    const bytes = gzipSync(encodeState(state));
    const kv = await retry(() => broker.kvm.open(jobBucket(task.job)), options);
    await retry(() => kv.put(shardKey(task.index), bytes), options);
    await retry(() => msg.ackAck(), options);
    const file = state.files[0] as FileState;
    options.log(
      file.status === 'ok'
        ? `xent worker: ${task.job} shard ${task.index} done (${where}, ${file.accumulator.records} records, state ${bytes.length} bytes)`
        : `xent worker: ${task.job} shard ${task.index} failed: ${file.error}`,
    );
  } finally {
    clearInterval(working);
  }
}

/** The shard's state; a file that changed since submission, or cannot be read, gives a failed state saying so. */
async function fold(task: ShardTask): Promise<FileState> {
  let handle;
  try {
    handle = await open(task.path, 'r');
  } catch (error) {
    return emptyFailed(task, `${task.path}: cannot read on this worker (${(error as NodeJS.ErrnoException).code ?? describe(error)})`);
  }
  try {
    const size = (await handle.stat()).size;
    if (size !== task.size || !(await stillHolds(handle, size, task.size, task.print))) {
      return emptyFailed(task, `${task.path} changed since it was submitted (${task.size} bytes then, ${size} now): its figures would be wrong; submit it again under a new job`);
    }
  } finally {
    await handle.close();
  }
  const span = task.end === null ? { path: task.path, start: 0 } : { path: task.path, start: task.start, end: task.end };
  try {
    return await scoreShard(span, unitOptions(task));
  } catch (error) {
    // Whatever stops the read (a file removed meanwhile, EIO) fails this shard, named, not the worker.
    return emptyFailed(task, `${task.path}: ${describe(error)}`);
  }
}

function emptyFailed(task: ShardTask, error: string): FileState {
  const state: FileState = { file: task.path, status: 'failed', error, accumulator: new CorpusAccumulator(unitOptions(task).accumulator).toJSON() };
  if (task.end !== null) state.range = { start: task.start, end: task.end, size: task.size, lines: 0, line_exact: false, whole_records: true, line_ids: false };
  return state;
}

function unitOptions(task: ShardTask): UnitOptions {
  const s = task.settings;
  return {
    accumulator: {
      segment: s.segment,
      sentinels: s.sentinels,
      keepSequences: false,
      maxExamples: s.max_examples,
      ...(s.vocab_size === null ? {} : { vocabSize: s.vocab_size }),
    },
    format: s.format as FormatName | 'auto',
    framing: s.framing as Framing | 'auto',
    maxLineBytes: s.max_line_bytes,
    fastPath: true,
  };
}

function settingsOf(task: ShardTask): ReportState['settings'] {
  const s = task.settings;
  return { segment: s.segment, sentinels: s.sentinels, vocab_size: s.vocab_size, max_examples: s.max_examples };
}

/** Retries a broker call through an outage (the client reconnects by itself). */
async function retry<T>(call: () => Promise<T>, options: WorkerOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt === 1 || attempt % 10 === 0) options.log(`xent worker: waiting for the broker (${describe(error)})`);
      await sleep(Math.min(2000, 200 * attempt));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
