/**
 * The worker script, next to this module in dist/ (the TypeScript sources cannot run as a worker). Its own module so
 * that deciding the thread count (thread-count.ts) does not load the pool and node:worker_threads.
 */
export const WORKER_SCRIPT = new URL('./shard-worker.js', import.meta.url);
