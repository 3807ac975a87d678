import { Worker } from 'node:worker_threads';
import type { UnitOptions, UnitResult, UnitRunner, WorkUnit } from './work-unit.js';
import { unitReadBytes } from './unit-read-bytes.js';
import { WORKER_SCRIPT } from './worker-script.js';

/**
 * A worker's heap. The old generation is capped far above what streaming needs (a worker that
 * reaches its cap can take the whole process down through V8's fatal out-of-memory path instead
 * of failing alone; a CI run once saw `--threads 2` die by a signal with a 32 MB cap), so the cap
 * guards against a runaway without being reached. The young generation is kept small: it is
 * where a streaming reader's garbage lives, and capped at 4 MB it took a two-thread run over
 * 1 GB from 142 MB of RSS to 118 MB, in the same time; at 1 MB, four threads went from 154 MB to
 * 137 MB and two from 99 to 92, again in the same time (measured, issue 13). With --per-sequence a
 * worker keeps every sequence's figures, so its heap is left uncapped.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 1 };
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
 * only hands out units and collects results. Reading units on it as well was 7% faster at 300 MB
 * (it works while a worker starts) and no faster from 1 GB, but its heap cannot be capped and
 * grew with the input: 146 MB of RSS over 3 GB against 115 MB (measured). A worker that dies
 * fails only its own unit. `close` ends them all.
 */
export class WorkerPool implements UnitRunner {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Task[] = [];

  constructor(
    private readonly size: number,
    private readonly options: UnitOptions,
    private readonly onProgress?: (records: number, tokens: number) => void,
  ) {}

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
      workerData: { options: { ...this.options, readBytes: this.options.readBytes ?? unitReadBytes(this.size) } },
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
