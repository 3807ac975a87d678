import { Worker } from 'node:worker_threads';
import type { UnitOptions, UnitResult, UnitRunner, WorkUnit } from './work-unit.js';

/** The worker script, next to this module in dist/ (the TypeScript sources cannot run as a worker). */
export const WORKER_SCRIPT = new URL('./shard-worker.js', import.meta.url);

/**
 * A worker's heap. Tight caps (2 MB young, 32 MB old) held a two-thread run over 3 GB to 120 MB
 * of RSS against 140 MB uncapped (measured), and a worker that ran out of memory handed its
 * input back to the main thread. See below why the caps are now far looser; the bench's memory
 * figures in the README were taken with the tight ones. With --per-sequence a worker keeps every
 * sequence's figures, so its heap is left uncapped.
 */
// A clean CI run once saw `--threads 2` die by a signal on a small input, and it never happened
// again in 78 tries. A worker that reaches its heap cap can take the whole process down (V8's
// fatal out-of-memory path) instead of failing alone, so the old generation is capped far above
// what streaming needs: the cap guards against a runaway without being reached in normal use.
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256 };
const WORKER_LIMITS_KEEPING_SEQUENCES = {};

interface Task {
  unit: WorkUnit;
  resolve: (result: UnitResult) => void;
  reject: (error: Error) => void;
}

type WorkerMessage = { type: 'progress'; records: number; tokens: number } | { type: 'done'; result: UnitResult };

/**
 * Up to `size` worker threads, started as units arrive; each reads one unit at a time and stays
 * for the next, so a run pays for a thread's start (its module loading) once. The main thread
 * only hands out units and collects results: reading ranges on it as well was no faster, and its
 * own heap, uncapped, then grew by as much as a worker's. A worker that dies fails only its own
 * unit. `close` ends them all.
 */
export class WorkerPool implements UnitRunner {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Task[] = [];

  constructor(
    private readonly size: number,
    private readonly options: UnitOptions,
    private readonly onProgress?: (records: number, tokens: number) => void,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Expected \`threads\` to be an integer from 1 and up, got ${size}`);
  }

  run(unit: WorkUnit): Promise<UnitResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    const workers = [...this.workers];
    this.workers.clear();
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.size ? this.spawn() : undefined);
      if (worker === undefined) return;
      this.assign(worker, this.queue.shift() as Task);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: { options: this.options },
      resourceLimits: this.options.accumulator.keepSequences ? WORKER_LIMITS_KEEPING_SEQUENCES : WORKER_LIMITS,
    });
    this.workers.add(worker);
    return worker;
  }

  private assign(worker: Worker, task: Task): void {
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'progress') {
        this.onProgress?.(message.records, message.tokens);
        return;
      }
      done();
      this.idle.push(worker);
      task.resolve(message.result);
      this.dispatch();
    };
    const onError = (error: Error): void => {
      done();
      this.workers.delete(worker);
      task.reject(error);
      this.dispatch();
    };
    const onExit = (code: number): void => onError(new Error(`a worker thread stopped (exit code ${code})`));
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task.unit);
  }
}
