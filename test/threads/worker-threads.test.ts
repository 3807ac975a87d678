import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, repoRoot, runCli, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { firstDifference } from '../fast/outcomes.js';
import { wholeRecordLines, write } from './threaded-corpus.js';

/**
 * Real worker threads, which run the built code in dist/ (a worker cannot load the TypeScript
 * sources): the same report as one thread, through the pool and through `xent report --threads`.
 */
const built = existsSync(join(repoRoot, 'dist', 'threads', 'shard-worker.js')) && existsSync(bin);
if (!built) console.warn('test/threads/worker-threads.test.ts: dist/ is not built (npm run build); the worker-thread tests are skipped');
const dir = tempDir('xent-workers-');

/** The built modules a worker thread runs with (the TypeScript sources' twins). */
async function builtModules() {
  const dist = (path: string) => join(repoRoot, 'dist', path);
  return {
    ...((await import(dist('aggregate/evaluation.js'))) as typeof import('../../src/aggregate/evaluation.js')),
    ...((await import(dist('threads/evaluate-threaded.js'))) as typeof import('../../src/threads/evaluate-threaded.js')),
    ...((await import(dist('threads/thread-count.js'))) as typeof import('../../src/threads/thread-count.js')),
    ...((await import(dist('reports/report.js'))) as typeof import('../../src/reports/report.js')),
    ...((await import(dist('evaluate.js'))) as typeof import('../../src/evaluate.js')),
  };
}

describe.skipIf(!built)('worker threads (dist/)', () => {
  it('read ranges of a file in a pool of workers with the single-threaded figures', async () => {
    const { Evaluation, evaluateThreaded, buildReport, evaluate } = await builtModules();
    const file = write(dir, 'pool.jsonl', wholeRecordLines(31, 3000));
    const evaluation = new Evaluation();
    let records = 0;
    await evaluateThreaded(evaluation, [file], {
      threads: 2,
      unit: { accumulator: evaluation.options, format: 'auto', framing: 'auto', fastPath: true },
      main: {},
      minRangeBytes: 1024,
      onProgress: (r) => (records += r),
    });
    const single = await evaluate([file], { threads: 1 });
    expect(firstDifference(buildReport(evaluation), single)).toBeUndefined();
    // Progress counts what the threads read, ranges read again included.
    expect(records).toBeGreaterThanOrEqual(single.corpus.records + single.bad_records.count);
  });

  it('leave an input whose record is too large for a worker to the main thread', async () => {
    const { Evaluation, evaluateThreaded, buildReport, evaluate } = await builtModules();
    // One 40 MB record with a key the fast path does not know: only JSON.parse reads it, and its
    // text alone is more than a worker's 32 MB heap holds.
    const logprobs = Array.from({ length: 3_000_000 }, (_, i) => -((i % 1000) + 1) / 1000);
    const big = write(dir, 'big.jsonl', [JSON.stringify({ id: 'big', model: 'x', logprobs }), ...wholeRecordLines(35, 10)]);
    const evaluation = new Evaluation();
    await evaluateThreaded(evaluation, [big], {
      threads: 2,
      unit: { accumulator: evaluation.options, format: 'auto', framing: 'auto', fastPath: true },
      main: {},
    });
    const single = await evaluate([big], { threads: 1 });
    expect(single.corpus.tokens).toBeGreaterThan(3_000_000);
    expect(firstDifference(buildReport(evaluation), single)).toBeUndefined();
  });

  it('give `xent report --threads 2` the output of --threads 1', async () => {
    const a = write(dir, 'a.jsonl', wholeRecordLines(32, 2000));
    const b = write(dir, 'b.jsonl', wholeRecordLines(33, 2000));
    const two = await spawnCli(['report', a, b, '--json', '--threads', '2']);
    const one = await spawnCli(['report', a, b, '--json', '--threads', '1']);
    // stderr in the message: a process that dies by a signal says why there (V8 prints fatal errors).
    expect(two.code, `--threads 2 stderr: ${two.stderr}`).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });
});

describe.skipIf(!built)('auto threads', () => {
  it('stay at one below 256 MB of input, where a worker\'s start costs more than it gives, and one per core (at most 4, the 128 MB bound) above', async () => {
    const { resolveThreads, AUTO_MIN_BYTES } = await builtModules();
    const { availableParallelism } = await import('node:os');
    expect(AUTO_MIN_BYTES).toBe(256 * 2 ** 20);
    expect(resolveThreads('auto', 100e6)).toBe(1);
    expect(resolveThreads(undefined, AUTO_MIN_BYTES - 1)).toBe(1);
    expect(resolveThreads('auto', 2e9)).toBe(Math.min(availableParallelism(), 4));
    // On a larger machine too: four threads peak at 114-117 MB of RSS at 300 MB to 3 GB (thread-count.ts).
    expect([1, 2, 3, 4, 16].map((cores) => resolveThreads('auto', 2e9, cores))).toEqual([1, 2, 3, 4, 4]);
    // Small inputs get no more threads than they have 8 MB ranges.
    expect(resolveThreads('auto', AUTO_MIN_BYTES, 16)).toBe(4);
    // A count asked for is kept, whatever the cores.
    expect(resolveThreads(3, 10, 16)).toBe(3);
    expect(resolveThreads(16, 2e9, 2)).toBe(16);
  });
});

describe.skipIf(!built)('--threads', () => {
  it('takes a number from 1 up, or auto, and says so otherwise', async () => {
    const file = write(dir, 'small.jsonl', wholeRecordLines(34, 20));
    for (const bad of ['0', '-1', '1.5', 'two']) {
      // In-process, a usage error surfaces as a thrown UsageError (code -1); the bin turns it into exit 1.
      const result = await runCli(['report', file, '--threads', bad]);
      expect(result.code, bad).toBe(-1);
      expect(result.stderr).toContain(`Expected \`--threads\` to be an integer from 1 and up or auto, got ${bad}`);
    }
    const spawned = await spawnCli(['report', file, '--threads', '0']);
    expect(spawned.code).toBe(1);
    expect((await runCli(['report', file, '--json', '--threads', 'auto'])).code).toBe(0);
  });
});
