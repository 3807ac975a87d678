import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ThreadSetting } from './thread-setting.js';
import { WORKER_SCRIPT } from './worker-script.js';

/** Ranges smaller than this are not worth a thread's time (and its start); plan-units cuts no smaller. */
export const MIN_RANGE_BYTES = 8 * 1024 * 1024;

/**
 * Below this much input, `auto` stays on one thread. A worker's start (node's bootstrap, our
 * modules, and the scanner compiled again for its own isolate) is 0.2–0.3 s of CPU that competes
 * with the reading threads: on this project's 2-core machine two threads were 0.18 s slower than
 * one at 100 MB, 4–12% faster at 300 MB and 1.2–1.4× faster at 1 GB (measured).
 */
export const AUTO_MIN_BYTES = 256 * 1024 * 1024;
/**
 * `auto` never starts more threads than this: the default keeps a run's peak RSS under 128 MB at any input size.
 * Each worker holds its own V8 heap and a copy of the compiled modules; with its 1 MB young generation
 * (worker-pool.ts) and, from three threads, 256 KB reads (unit-read-bytes.ts), peak RSS of `xent report --json`
 * over 1 GB flat (300 MB OpenAI chat) with 1, 2, 3 and 4 threads: 62 (61), 91 (96), 100 (101) and 115 (117) MB,
 * and at most 123 MB with four from 300 MB to 3 GB, where a fifth thread would add ~15 MB more (measured,
 * issue 13). More threads are there for the asking (`--threads N`), where the memory is.
 */
export const AUTO_MAX_THREADS = 4;

/**
 * `--threads`: a number is taken as asked; `auto` is one thread per core (at most AUTO_MAX_THREADS) when the
 * inputs add up to 256 MB or more, else 1. Either way 1 when the worker script is not there (code
 * run from the TypeScript sources): threads change how fast, never what comes out. `requested` was checked by
 * threadSetting.
 */
export function resolveThreads(requested: ThreadSetting | undefined, inputBytes: number, cores: number = availableParallelism()): number {
  if (!existsSync(fileURLToPath(WORKER_SCRIPT))) return 1;
  if (requested !== undefined && requested !== 'auto') return requested;
  if (inputBytes < AUTO_MIN_BYTES) return 1;
  return Math.max(1, Math.min(cores, AUTO_MAX_THREADS, Math.ceil(inputBytes / MIN_RANGE_BYTES)));
}
