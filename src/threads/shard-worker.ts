/** Entry point of a worker thread: reads the units it is sent, one at a time (see WorkerPool). */
import { parentPort, workerData } from 'node:worker_threads';
import { scoreUnit } from './score-unit.js';
import type { UnitOptions, WorkUnit } from './work-unit.js';

const port = parentPort;
if (port === null) throw new Error('shard-worker.js runs as a worker thread');
const options = (workerData as { options: UnitOptions }).options;

port.on('message', (unit: WorkUnit) => {
  scoreUnit(unit, options, (records, tokens) => port.postMessage({ type: 'progress', records, tokens }))
    .catch((error: unknown) => ({ lines: 0, wholeRecords: false, fallbackIds: false, error: String(error) }))
    .then((result) => port.postMessage({ type: 'done', result }));
});
