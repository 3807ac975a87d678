import { parseBrokerAddress } from '../distributed/broker-address.js';
import { connectBroker } from '../distributed/broker.js';
import { collectJob, type JobProgress } from '../distributed/collect-job.js';
import { checkJobName } from '../distributed/job-names.js';
import { purgeJob } from '../distributed/job-store.js';
import { buildReport } from '../reports/report.js';
import { reportStateOf } from '../state/report-state.js';
import { writeStateFile } from '../state/state-file.js';
import { EXIT } from './exit-codes.js';
import { printReport, type PrintMode } from './print-report.js';
import type { Io } from './report-runner.js';
import { ProgressLine } from './terminal.js';

export interface CollectRun {
  nats: string;
  creds?: string;
  timeoutMs: number;
  job: string;
  wait: boolean;
  purge: boolean;
  mode: PrintMode;
  out?: string;
  stateOut?: string;
  strict: boolean;
}

const POLL_MS = 1000;

/** Progress (a bar on a TTY, a line otherwise), failed shards by name, and the report once complete. */
export async function runCollect(run: CollectRun, io: Io): Promise<number> {
  const job = checkJobName(run.job);
  const broker = await connectBroker(parseBrokerAddress(run.nats), { creds: run.creds, timeoutMs: run.timeoutMs });
  const bar = new ProgressLine(io.stderr);
  try {
    for (;;) {
      const { progress, evaluation } = await collectJob(broker, job);
      if (evaluation === undefined) {
        if (!run.wait) {
          io.stderr.write(`${progressLine(progress)}\n`);
          nameFailed(progress, io);
          return EXIT.PENDING;
        }
        bar.update(() => progressLine(progress));
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        continue;
      }
      bar.clear();
      io.stderr.write(`${progressLine(progress)}\n`);
      nameFailed(progress, io);
      if (run.stateOut !== undefined) await writeStateFile(run.stateOut, reportStateOf(evaluation));
      const code = await printReport(buildReport(evaluation), run.mode, run.out, run.strict, io);
      if (run.purge) {
        await purgeJob(broker, job);
        io.stderr.write(`xent: job ${job} removed from ${broker.display}\n`);
      }
      return code;
    }
  } finally {
    bar.clear();
    await broker.close();
  }
}

export function progressLine(p: JobProgress): string {
  const gb = (b: number): string => `${(b / 1024 ** 3).toFixed(2)} GB`;
  return `xent: job ${p.job}: ${p.done}/${p.total} shards done (${gb(p.bytesDone)} of ${gb(p.bytes)}), ${p.failed.length} failed`;
}

function nameFailed(p: JobProgress, io: Io): void {
  for (const f of p.failed) io.stderr.write(`xent: job ${p.job} shard ${f.index} failed (${f.where}): ${f.error}\n`);
}
