import { XentError } from '../errors.js';

/** JetStream names of a job's parts: one work-queue stream of tasks and one KV bucket of results. */
export const JOB_BUCKET_PREFIX = 'xent-job-';
export const WORKERS = 'workers';

export function checkJobName(job: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(job)) {
    throw new XentError('INVALID_OPTION', `Expected \`--job\` to be 1–64 letters, digits, _ or -, got ${JSON.stringify(job)}`);
  }
  return job;
}

export const jobStream = (job: string): string => `XENT_JOB_${job}`;
export const jobSubject = (job: string): string => `xent.job.${job}.task`;
export const jobBucket = (job: string): string => `${JOB_BUCKET_PREFIX}${job}`;
export const shardKey = (index: number): string => `shard.${index}`;
export const MANIFEST_KEY = 'manifest';
