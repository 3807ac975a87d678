import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GlobPattern } from './glob-pattern.js';
import type { TailedFileState } from './tailed-file.js';

/** A file as a checkpoint knows it: where it was, and its device and inode (which survive a rename). */
export type FileIdentity = Pick<TailedFileState, 'path' | 'realPath' | 'dev' | 'ino'>;

/**
 * Where is that file now? Its path, or — renamed while xent was stopped — any file with its
 * device and inode in the patterns or beside its old path, or at or beside its real path (the
 * target of a symlink, which may have been switched to another file since). Undefined when it
 * is gone.
 */
export async function locateFile(identity: FileIdentity, patterns: readonly GlobPattern[]): Promise<string | undefined> {
  const candidates = new Set<string>([identity.path]);
  for (const p of patterns) for (const f of p.files()) candidates.add(f);
  if (identity.realPath !== undefined) candidates.add(identity.realPath);
  const dirs = new Set([dirname(identity.path), ...(identity.realPath === undefined ? [] : [dirname(identity.realPath)])]);
  for (const dir of dirs) {
    try {
      for (const name of await readdir(dir)) candidates.add(join(dir, name));
    } catch {
      // its directory is gone too
    }
  }
  for (const path of candidates) {
    try {
      const info = await stat(path);
      if (info.isFile() && info.dev === identity.dev && info.ino === identity.ino) return path;
    } catch {
      // vanished between listing and stat
    }
  }
  return undefined;
}
