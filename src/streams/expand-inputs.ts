import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** File names read when a directory is given. */
export const DUMP_FILE = /\.(jsonl|ndjson|json|sse)(\.gz)?$/i;

/**
 * Paths as given on the command line → input files. A directory stands for every dump file
 * under it (recursively, sorted, hidden entries skipped); '-' is stdin; anything else is kept as
 * given so that a missing file is reported by the reader, with its name.
 */
export async function expandInputs(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push(path);
      continue;
    }
    let isDirectory = false;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      // reported when opened
    }
    if (isDirectory) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile() && DUMP_FILE.test(entry.name)) out.push(path);
  }
  return out;
}
