// Bundles the command line (dist/cli/bin.js, after tsc) so that a run loads a few files instead of ~90 modules:
// on Node 20 each ES module costs a file open, a resolve and a compile (issue 13, start-up; numbers in README).
// Run by `npm run build`. The library (dist/index.js) and the worker thread (dist/threads/shard-worker.js) stay
// as tsc wrote them. Packages stay external but the two tiny ones every report loads (p-limit, yocto-queue):
// yargs finds its locale files next to itself, and prom-client and the NATS client are loaded only by the
// commands that use them.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cli = join(dist, 'cli');
const BUNDLED_PACKAGES = new Set(['p-limit', 'yocto-queue']);
// The worker script's URL is taken relative to its module, so that module must stay where tsc put it.
const WORKER_SCRIPT = join(dist, 'threads', 'worker-script.js');

/**
 * The modules a report loads before it reads a byte (bin.js's and report-runner.js's static imports, followed),
 * as tsc wrote them. They go into one chunk: a small report then opens three files, not thirty-odd.
 */
function staticClosure(entries) {
  const seen = new Set();
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export) (?!type )[^'";]*?from '(\.[^']+)';$/gm)) {
      queue.push(join(dirname(file), spec));
    }
  }
  return seen;
}
if (readFileSync(join(cli, 'bin.js'), 'utf8').includes('./chunks/')) {
  throw new Error('dist/cli/bin.js is already bundled: run tsc -p tsconfig.build.json first (npm run build does both)');
}
const reportPath = staticClosure([join(cli, 'bin.js'), join(cli, 'report-runner.js')]);
reportPath.delete(join(cli, 'bin.js'));
reportPath.delete(WORKER_SCRIPT);

await rm(join(cli, 'chunks'), { recursive: true, force: true });
await build({
  input: { bin: join(cli, 'bin.js') },
  platform: 'node',
  logLevel: 'warn',
  external: (id) => {
    if (id === WORKER_SCRIPT || id.endsWith('/threads/worker-script.js')) return true;
    if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return false;
    const name = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : (id.split('/')[0] ?? id);
    return !BUNDLED_PACKAGES.has(name);
  },
  output: {
    dir: cli,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    codeSplitting: { groups: [{ name: 'report', test: (id) => reportPath.has(id) || /[\\/]node_modules[\\/](p-limit|yocto-queue)[\\/]/.test(id) }] },
  },
});
