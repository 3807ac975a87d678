import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { XentError } from '../errors.js';
import { openInput } from '../streams/open-input.js';
import type { Framing } from '../streams/open-input.js';
import { fingerprint } from '../watch/file-fingerprint.js';
import { taskId, type JobSettings, type ShardTask } from './shard-task.js';

/**
 * Cuts files into shards of about `shardSize` bytes. Edges are plain byte offsets: the worker
 * moves each to the next line start (a shard owns the lines that start inside it), so planning
 * reads nothing but each file's fingerprint. Gzip files and files that are one JSON document are
 * one shard each (neither can be entered in the middle).
 */
export async function planShards(job: string, files: readonly string[], shardSize: number, settings: JobSettings): Promise<{ task: ShardTask; id: string }[]> {
  const tasks: { task: ShardTask; id: string }[] = [];
  for (const given of files) {
    // Workers on other machines open the same path: it must not depend on where submit ran.
    const path = resolve(given);
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new XentError('INPUT_NOT_FOUND', `${path}: cannot read (${error.code ?? error.message})`, { cause: error });
    });
    let size: number;
    let print;
    try {
      size = (await handle.stat()).size;
      print = await fingerprint(handle, size);
    } finally {
      await handle.close();
    }
    const opened = await openInput(path, { framing: settings.framing as Framing | 'auto' });
    opened.stream.destroy();
    const splittable = !opened.gzip && opened.framing === 'lines';
    const count = splittable ? Math.max(1, Math.ceil(size / shardSize)) : 1;
    for (let k = 0; k < count; k++) {
      const start = k === 0 ? 0 : Math.floor((size * k) / count);
      const end = count === 1 ? null : k === count - 1 ? size : Math.floor((size * (k + 1)) / count);
      const base = { job, path, start, end, size, print };
      tasks.push({ task: { ...base, index: tasks.length, settings }, id: taskId(base) });
    }
  }
  return tasks;
}
