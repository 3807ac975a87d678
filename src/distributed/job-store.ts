import { AckPolicy, RetentionPolicy, StorageType, type Consumer } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { gunzipSync, gzipSync } from 'node:zlib';
import { XentError } from '../errors.js';
import type { Broker } from './broker.js';
import { jobBucket, jobStream, jobSubject, MANIFEST_KEY, WORKERS } from './job-names.js';
import type { JobManifest } from './shard-task.js';

/** The stream keeps message ids this long, so publishing a job's tasks again adds none. */
const DUPLICATE_WINDOW_NS = 60 * 60 * 1e9;

/** Creates (or finds) a job's stream, its consumer and its bucket. */
export async function createJob(broker: Broker, job: string, ackWaitMs: number): Promise<KV> {
  const name = jobStream(job);
  try {
    await broker.jsm.streams.info(name);
  } catch {
    await broker.jsm.streams.add({
      name,
      subjects: [jobSubject(job)],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: DUPLICATE_WINDOW_NS,
    });
  }
  try {
    await broker.jsm.consumers.info(name, WORKERS);
  } catch {
    await broker.jsm.consumers.add(name, {
      durable_name: WORKERS,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWaitMs * 1e6,
      max_deliver: -1,
    });
  }
  return broker.kvm.create(jobBucket(job), { storage: StorageType.File, history: 1 });
}

/** A job's bucket, or an error naming the job when it does not exist. */
export async function openJob(broker: Broker, job: string): Promise<{ kv: KV; manifest: JobManifest }> {
  let kv: KV;
  try {
    kv = await broker.kvm.open(jobBucket(job));
    await kv.status();
  } catch {
    throw new XentError('INVALID_STATE', `no job ${JSON.stringify(job)} on ${broker.display} (xent jobs lists them)`);
  }
  const manifest = await readManifest(kv);
  if (manifest === undefined) throw new XentError('INVALID_STATE', `job ${JSON.stringify(job)} on ${broker.display} has no manifest (its submit did not finish: submit it again)`);
  return { kv, manifest };
}

export async function readManifest(kv: KV): Promise<JobManifest | undefined> {
  const entry = await kv.get(MANIFEST_KEY);
  if (entry === null || entry.operation !== 'PUT') return undefined;
  return JSON.parse(gunzipSync(entry.value).toString('utf8')) as JobManifest;
}

export async function writeManifest(kv: KV, manifest: JobManifest): Promise<void> {
  await kv.put(MANIFEST_KEY, gzipSync(JSON.stringify(manifest)));
}

/**
 * The job's task consumer, or undefined when the job's stream or consumer is gone (purged). Other
 * failures (the broker restarting) are thrown: a worker must not take them for "no work left".
 */
export async function jobConsumer(broker: Broker, job: string): Promise<Consumer | undefined> {
  try {
    return await broker.js.consumers.get(jobStream(job), WORKERS);
  } catch (error) {
    if (/not found/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

/** Every key of a bucket matching `filter`. */
export async function keysOf(kv: KV, filter: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of await kv.keys(filter)) keys.push(key);
  return keys;
}

/** Jobs on the broker: the names of its xent job buckets. */
export async function listJobNames(broker: Broker): Promise<string[]> {
  const names: string[] = [];
  for await (const status of broker.kvm.list()) {
    if (status.bucket.startsWith('xent-job-')) names.push(status.bucket.slice('xent-job-'.length));
  }
  return names.sort();
}

/** Removes a job's stream and bucket. */
export async function purgeJob(broker: Broker, job: string): Promise<void> {
  await broker.jsm.streams.delete(jobStream(job)).catch(() => undefined);
  try {
    await (await broker.kvm.open(jobBucket(job))).destroy();
  } catch {
    // already gone
  }
}
