import pLimit from 'p-limit';
import { XentError } from '../errors.js';
import type { Broker } from './broker.js';
import { jobSubject } from './job-names.js';
import { createJob, readManifest, writeManifest } from './job-store.js';
import { planShards } from './plan-shards.js';
import type { JobManifest, JobSettings } from './shard-task.js';

/** Task publications awaiting their acks at once. */
const IN_FLIGHT = 64;

export interface SubmitResult {
  shards: number;
  bytes: number;
  /** True when the job already held exactly this plan: nothing was published again. */
  already: boolean;
}

/**
 * Plans a job's shards and publishes one task each. The manifest is written first, then the
 * tasks (each with its message id, so a second submit adds none): a submit that dies halfway is
 * finished by running it again. A job of the same name with other inputs is refused.
 */
export async function submitJob(
  broker: Broker,
  job: string,
  files: readonly string[],
  options: { shardSize: number; ackWaitMs: number; settings: JobSettings },
): Promise<SubmitResult> {
  const planned = await planShards(job, files, options.shardSize, options.settings);
  const kv = await createJob(broker, job, options.ackWaitMs);
  const manifest: JobManifest = {
    job,
    created: new Date().toISOString(),
    settings: options.settings,
    shards: planned.map(({ task, id }) => ({ index: task.index, path: task.path, start: task.start, end: task.end, bytes: (task.end ?? task.size) - task.start, id })),
  };
  const bytes = manifest.shards.reduce((a, s) => a + s.bytes, 0);
  const existing = await readManifest(kv);
  if (existing !== undefined) {
    const same = existing.shards.length === manifest.shards.length && existing.shards.every((s, i) => s.id === manifest.shards[i]?.id);
    if (!same || JSON.stringify(existing.settings) !== JSON.stringify(options.settings)) {
      throw new XentError('INVALID_OPTION', `job ${JSON.stringify(job)} already exists on ${broker.display} with other inputs or settings: choose another --job, or remove it with xent collect --job ${job} --purge`);
    }
    manifest.created = existing.created;
  } else {
    await writeManifest(kv, manifest);
  }
  // Up to IN_FLIGHT tasks await their acks together instead of one round trip each. Their order
  // in the queue does not matter: a state is keyed by its shard's index.
  const limit = pLimit(IN_FLIGHT);
  const acks = await Promise.all(planned.map(({ task, id }) => limit(() => broker.js.publish(jobSubject(job), JSON.stringify(task), { msgID: id }))));
  const published = acks.filter((ack) => !ack.duplicate).length;
  return { shards: planned.length, bytes, already: existing !== undefined && published === 0 };
}
