import { readFileSync } from 'node:fs';

/** The JSON values of a JSONL file, one a non-blank line. */
export function readJsonLines<T = unknown>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}
