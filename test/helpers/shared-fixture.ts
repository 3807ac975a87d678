import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/fixtures beside the repository: real-world captures that are not part of it. */
const sharedFixtures = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

/**
 * A file or folder under ../shared/fixtures and whether it is there. When it is not, says so with
 * console.warn, so that the test skipped for it (`it.skipIf(!fixture.present)`) is not skipped silently.
 */
export function sharedFixture(relative: string, test: string): { path: string; present: boolean } {
  const file = path.join(sharedFixtures, relative);
  const present = existsSync(file);
  if (!present) console.warn(`${test} skipped: ${file} is missing`);
  return { path: file, present };
}
