import { createHash } from 'node:crypto';
import type { Segment } from '../formats/scored-batch.js';
import type { FileFingerprint } from '../watch/file-fingerprint.js';

/** How every shard of a job is read and counted: the same settings `xent report` takes. */
export interface JobSettings {
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  vocab_size: number | null;
  max_examples: number;
  format: string;
  framing: string;
  max_line_bytes: number;
}

/** One task on the job's stream: bytes [start, end) of a file (end null: the whole file). */
export interface ShardTask {
  job: string;
  index: number;
  path: string;
  start: number;
  end: number | null;
  /** The file as it was when submitted: a worker that sees another refuses the shard. */
  size: number;
  print: FileFingerprint;
  settings: JobSettings;
}

/** The manifest a job keeps in its bucket: what collect counts progress against. */
export interface JobManifest {
  job: string;
  created: string;
  settings: JobSettings;
  shards: { index: number; path: string; start: number; end: number | null; bytes: number; id: string }[];
}

/**
 * The task's JetStream message id: from the job, the file's identity (path, size, fingerprint) and
 * the range, so publishing the same plan twice is deduplicated by the stream.
 */
export function taskId(task: Omit<ShardTask, 'index' | 'settings'>): string {
  const identity = [task.job, task.path, task.size, task.print.head, task.print.marker, task.start, task.end ?? 'end'].join('\0');
  return `${task.job}.${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}
