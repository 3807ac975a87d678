import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, repoRoot } from '../helpers/cli.js';
import { loadedModules } from '../helpers/loaded-modules.js';
import { tempDir } from '../helpers/temp-dir.js';

const cli = dirname(bin);
const small = join(tempDir(), 'small.jsonl');
writeFileSync(small, '{"id":"a","tokens":["a","b"],"logprobs":[-1,-2]}\n');
const own = (modules: string[]) => modules.filter((m) => m.startsWith('file:') && !m.includes('/node_modules/') && !m.includes('/test/helpers/'));

describe('the bundled command line (npm run build: tsc, then build/bundle-cli.mjs)', () => {
  it('is a bundle: bin.js imports its chunks, not the modules tsc wrote', () => {
    expect(readFileSync(bin, 'utf8')).toMatch(/from "\.\/chunks\//);
  });

  it('reaches the worker script where tsc put it, so --threads still starts threads', () => {
    // resolveThreads falls back to one thread when the script is missing: nothing else would notice.
    const chunks = readdirSync(join(cli, 'chunks')).map((f) => join(cli, 'chunks', f));
    const targets = chunks.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from "([^"]*worker-script\.js)"/g)].map((m) => resolve(dirname(file), m[1] as string)),
    );
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(target).toBe(join(repoRoot, 'dist', 'threads', 'worker-script.js'));
    expect(existsSync(join(repoRoot, 'dist', 'threads', 'shard-worker.js'))).toBe(true);
  });

  it('a small report loads a handful of xent files and no yargs (the quick door and the bundle, issue 13)', () => {
    const run = loadedModules(['report', small, '--json']);
    expect(run.code).toBe(0);
    expect(run.modules.filter((m) => m.includes('/node_modules/'))).toEqual([]);
    // bin.js, the report chunk, report-runner's chunk and dist/threads/worker-script.js (kept apart, see above).
    expect(own(run.modules).length).toBeLessThanOrEqual(5);
  });

  it('the control: the long way (a flag the quick door leaves to yargs) loads yargs, and the hook sees it', () => {
    const run = loadedModules(['report', small, '--json', '--no-strict']);
    expect(run.code).toBe(0);
    expect(run.modules.some((m) => m.includes('/node_modules/yargs/'))).toBe(true);
  });
});
