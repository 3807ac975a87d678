// npm run bench [-- --mb 100 --runs 3 --shapes openai,flat --memory 100,1000]
// Generates seeded workloads, runs the plain-Node baseline and `xent report --json` alternately on the
// same file, and prints MB/s, tokens/s, peak RSS and the ratio to the baseline (median of the runs).
// --memory SIZES also runs xent alone on flat files of those sizes (MB) to show that peak RSS stays flat.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
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
    shapes: { type: 'string', default: 'openai,flat' },
    memory: { type: 'string', default: '' },
    dir: { type: 'string', default: join(root, '.xent-bench') },
  },
});
const runs = Number(values.runs);
mkdirSync(values.dir, { recursive: true });
const bin = join(root, 'dist', 'cli', 'bin.js');
const rssHook = join(here, 'max-rss.mjs');

function timed(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', rssHook, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  const rss = Number(/XENT_BENCH_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) / 1024;
  return { seconds, rss, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function workload(shape, mb) {
  const path = join(values.dir, `${shape}-${mb}mb.jsonl`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path}…\n`);
    await generate(path, { shape, bytes: mb * 1e6, seed: 7 });
  }
  return path;
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
const rows = [];
for (const shape of values.shapes.split(',')) {
  const path = await workload(shape, Number(values.mb));
  const bytes = statSync(path).size;
  const times = { baseline: [], xent: [] };
  const rss = { baseline: [], xent: [] };
  let tokens = 0;
  for (let i = 0; i < runs; i++) {
    const b = timed([join(here, 'baseline.mjs'), path]);
    times.baseline.push(b.seconds);
    rss.baseline.push(b.rss);
    tokens = JSON.parse(b.stdout).tokens;
    const x = timed([bin, 'report', path, '--json']);
    times.xent.push(x.seconds);
    rss.xent.push(x.rss);
    if (JSON.parse(x.stdout).corpus.tokens !== tokens) throw new Error(`token counts differ on ${path}`);
  }
  for (const who of ['baseline', 'xent']) {
    const s = median(times[who]);
    rows.push({
      shape,
      reader: who,
      'MB/s': (bytes / 1e6 / s).toFixed(1),
      'Mtokens/s': (tokens / 1e6 / s).toFixed(2),
      'peak RSS MB': median(rss[who]).toFixed(0),
      'vs baseline': (median(times.baseline) / s).toFixed(2),
    });
  }
}
console.table(rows);

if (values.memory !== '') {
  const mem = [];
  for (const mb of values.memory.split(',').map(Number)) {
    const path = await workload('flat', mb);
    const x = timed([bin, 'report', path, '--json']);
    mem.push({ 'input MB': (statSync(path).size / 1e6).toFixed(0), 'peak RSS MB': x.rss.toFixed(0), seconds: x.seconds.toFixed(1) });
  }
  console.table(mem);
}
