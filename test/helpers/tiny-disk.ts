import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { afterAll } from 'vitest';

/**
 * A real full disk: a 64 KiB tmpfs mounted at `mountPoint` for the test file (root can mount one
 * here), unmounted after it. Returns false, having said so, where it cannot be mounted.
 */
export function mountTinyDisk(mountPoint: string, what: string): boolean {
  mkdirSync(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    console.warn(`${what} skipped: cannot mount a small tmpfs at ${mountPoint} (needs root)`);
    return false;
  }
  afterAll(() => execFileSync('umount', [mountPoint]));
  return true;
}
