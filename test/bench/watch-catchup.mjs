// Catch-up bench: how long `xent watch` takes to fold a backlog, against `xent report` on the same
// file (issue 11's goal: at most 1.25×). Each round times `xent report --json --threads 1`, then a
// fresh `xent watch` (new state directory) from its start until its rolling line shows every
// token folded and no lag (polled every 20 ms, with --interval 100ms), then SIGTERM.
//   node test/bench/watch-catchup.mjs [--mb 100] [--runs 3] [--shapes flat,openai]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    shapes: { type: 'string', default: 'flat,openai' },
    dir: { type: 'string', default: join(root, '.xent-bench') },
  },
});
const bin = join(root, 'dist', 'cli', 'bin.js');
mkdirSync(values.dir, { recursive: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeReport(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, 'report', file, '--json', '--threads', '1'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(r.stderr);
  return { seconds, tokens: JSON.parse(r.stdout).corpus.tokens };
}

async function timeWatch(file, tokens) {
  const work = join(values.dir, 'catchup-run');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  const out = join(work, 'out.ndjson');
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, 'watch', file, '--state', join(work, 'state'), '--out', out, '--interval', '100ms'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    if (!existsSync(out)) continue;
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const last = lines[lines.length - 1];
    if (last === undefined || last === '') continue;
    let report;
    try {
      report = JSON.parse(last);
    } catch {
      continue;
    }
    if (report.corpus.tokens === tokens && report.files.every((f) => f.lag === 0)) break;
    if (report.corpus.tokens > tokens) throw new Error(`watch counted ${report.corpus.tokens} tokens, report ${tokens}`);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  child.kill('SIGTERM');
  await exited;
  return seconds;
}

for (const shape of values.shapes.split(',')) {
  const file = join(values.dir, `catchup-${shape}-${values.mb}mb.jsonl`);
  if (!existsSync(file)) await generate(file, { shape, bytes: Number(values.mb) * 1e6, seed: 11 });
  const reports = [];
  const watches = [];
  let tokens = 0;
  for (let run = 0; run < Number(values.runs); run++) {
    const r = timeReport(file);
    tokens = r.tokens;
    reports.push(r.seconds);
    watches.push(await timeWatch(file, tokens));
  }
  const mb = statSync(file).size / 1e6;
  const [rep, wat] = [median(reports), median(watches)];
  console.log(
    `${shape} ${mb.toFixed(0)} MB, ${tokens} tokens: xent report ${rep.toFixed(2)} s, xent watch catch-up ${wat.toFixed(2)} s ` +
      `(${(wat / rep).toFixed(2)}× report; medians of ${values.runs})`,
  );
}
