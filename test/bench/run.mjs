// npm run bench [-- --mb 100 --runs 3 --shapes openai,flat --readers baseline,split,xent,xent2,xent4,auto,audit-html,python,jq
//                  --memory 100,1000,3000 [--memory-shapes flat,openai --memory-cores 16] --startup 10]
// npm run bench -- --distributed [--mb 300 --shapes flat --runs 1]: see distributed.mjs
// Generates seeded workloads (or reuses them in .xent-bench/), runs every reader on the same file
// in turn, round after round (so that a slow minute of a shared machine hits them all alike), and
// prints, per shape, the median MB/s, tokens/s, peak RSS and speed relative to the strongest plain
// Node baseline (the Buffer split on newlines + JSON.parse per line: baseline-buffer.mjs) and to
// the string-split idiom (baseline.mjs), which is 2–3× slower and so flatters whoever beats it.
// Readers: baseline, split, xent (`xent report --json --threads 1`), xent2 (`--threads 2`), xent4 (`--threads 4`,
// only where the machine has 4 cores: on fewer it would measure threads queueing for a core, not scaling), auto
// (the default threads: its peak RSS is the memory bound users get), audit-html (`xent audit
// --json --html`), python (json.loads per line) and jq, the last two where installed. Every reader
// must count the same tokens, or the run stops. A scaling table follows: 1, 2 and 4 threads against one, each
// row the machine can run (and says why not, where it cannot). --startup N times N whole-process `xent report`
// runs on a 1 KB file (start-up is what a user feels on small inputs), wall time and the process's own CPU time
// (which a busy shared machine disturbs less). Last, the catch-up bench of
// `xent watch` (watch-catchup.mjs) on the same sizes and shapes; --no-catchup skips it.
// --memory SIZES then runs `xent report --json` alone (default threads) on flat files of those
// sizes (MB) to show that peak RSS stays flat; --memory-shapes picks the shapes (default flat), and
// --memory-cores N runs the thread count `auto` would choose on a machine with N cores (default this one's),
// which measures the memory a larger machine's default takes even where this one has too few cores to time it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values } = parseArgs({
  allowNegative: true,
  options: {
    mb: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    shapes: { type: 'string', default: 'openai,flat' },
    readers: { type: 'string', default: 'baseline,split,xent,xent2,xent4,auto,audit-html,python,jq' },
    memory: { type: 'string', default: '' },
    'memory-shapes': { type: 'string', default: 'flat' },
    'memory-cores': { type: 'string', default: String(availableParallelism()) },
    startup: { type: 'string', default: '10' },
    catchup: { type: 'boolean', default: true },
    distributed: { type: 'boolean', default: false },
    dir: { type: 'string', default: join(root, '.xent-bench') },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`Expected \`--runs\` to be an integer from 1 and up, got ${values.runs}`);
mkdirSync(values.dir, { recursive: true });
const bin = join(root, 'dist', 'cli', 'bin.js');
// --distributed: xent report against submit/worker/collect on a local nats-server (see distributed.mjs).
const distributed = values.distributed ? await import('./distributed.mjs') : undefined;
const rssHook = join(here, 'max-rss.mjs');

const has = (command) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

/** How each reader is run on a file: the command, and how to read its token count from stdout. */
const READERS = {
  baseline: { label: 'node Buffer split + JSON.parse (baseline)', argv: (f) => [process.execPath, '--import', rssHook, join(here, 'baseline-buffer.mjs'), f], tokens: (o) => JSON.parse(o).tokens },
  split: { label: 'node string split + JSON.parse', argv: (f) => [process.execPath, '--import', rssHook, join(here, 'baseline.mjs'), f], tokens: (o) => JSON.parse(o).tokens },
  xent: { label: 'xent report --threads 1', argv: (f) => [process.execPath, '--import', rssHook, bin, 'report', f, '--json', '--threads', '1'], tokens: (o) => JSON.parse(o).corpus.tokens },
  xent2: { label: 'xent report --threads 2', argv: (f) => [process.execPath, '--import', rssHook, bin, 'report', f, '--json', '--threads', '2'], tokens: (o) => JSON.parse(o).corpus.tokens, cores: 2 },
  xent4: { label: 'xent report --threads 4', argv: (f) => [process.execPath, '--import', rssHook, bin, 'report', f, '--json', '--threads', '4'], tokens: (o) => JSON.parse(o).corpus.tokens, cores: 4 },
  auto: { label: 'xent report (default threads)', argv: (f) => [process.execPath, '--import', rssHook, bin, 'report', f, '--json'], tokens: (o) => JSON.parse(o).corpus.tokens },
  'audit-html': {
    label: 'xent audit --html',
    argv: (f) => [process.execPath, '--import', rssHook, bin, 'audit', f, '--json', '--html', join(values.dir, 'bench-audit.html')],
    tokens: (o) => JSON.parse(o).corpus.tokens,
  },
  python: { label: 'python3 json.loads', argv: (f) => ['python3', join(here, 'baseline.py'), f], tokens: (o) => JSON.parse(o).tokens, needs: 'python3' },
  // jq reports no RSS of its own; /usr/bin/time does, where it is installed.
  jq: {
    label: 'jq',
    argv: (f) => [...(existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'XENT_BENCH_MAX_RSS_KB=%M'] : []), 'jq', '-c', '-n', '-f', join(here, 'baseline.jq'), f],
    tokens: (o) => JSON.parse(o).tokens,
    needs: 'jq',
  },
};

const cores = availableParallelism();
/** Readers left out, with why: printed under the tables. */
const skipped = [];
const readers = values.readers.split(',').filter((name) => {
  const reader = READERS[name];
  if (reader === undefined) throw new Error(`Expected \`--readers\` to list some of ${Object.keys(READERS).join(', ')}, got ${name}`);
  if (reader.needs !== undefined && !has(reader.needs)) {
    skipped.push(`${reader.label}: ${reader.needs} is not installed`);
    return false;
  }
  if (reader.cores !== undefined && reader.cores > cores) {
    skipped.push(`${reader.label}: this machine has ${cores} core${cores === 1 ? '' : 's'}; ${reader.cores} threads on it would time threads queueing for a core, not scaling`);
    return false;
  }
  return true;
});

function timed(argv) {
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const rss = Number(/XENT_BENCH_MAX_RSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) / 1024;
  const cpu = Number(/XENT_BENCH_CPU_US=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN) / 1e6;
  return { seconds, rss, cpu, stdout: r.stdout };
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

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')} (1/5/15 min)`);
console.log(`median of ${runs} alternating runs; files read from the page cache`);
if (distributed !== undefined) {
  for (const shape of values.shapes.split(',')) {
    const path = await workload(shape, Number(values.mb));
    spawnSync('cat', [path], { stdio: 'ignore' });
    await distributed.benchDistributed({ bin, path, mb: statSync(path).size / 1e6, runs });
  }
  process.exit(0);
}
const rows = [];
const scaling = [];
for (const shape of values.shapes.split(',')) {
  const path = await workload(shape, Number(values.mb));
  const bytes = statSync(path).size;
  const times = Object.fromEntries(readers.map((r) => [r, []]));
  const rss = Object.fromEntries(readers.map((r) => [r, []]));
  let tokens;
  // One untimed read puts the file in the page cache for everyone.
  spawnSync('cat', [path], { stdio: 'ignore' });
  for (let i = 0; i < runs; i++) {
    for (const name of readers) {
      const reader = READERS[name];
      const r = timed(reader.argv(path));
      times[name].push(r.seconds);
      rss[name].push(r.rss);
      const counted = reader.tokens(r.stdout);
      tokens ??= counted;
      if (counted !== tokens) throw new Error(`${name} counted ${counted} tokens in ${path}, others ${tokens}`);
    }
  }
  const baseline = readers.includes('baseline') ? median(times.baseline) : Number.NaN;
  const split = readers.includes('split') ? median(times.split) : Number.NaN;
  for (const name of readers) {
    const s = median(times[name]);
    rows.push({
      shape: `${shape} ${(bytes / 1e6).toFixed(0)} MB`,
      reader: READERS[name].label,
      seconds: s.toFixed(2),
      'MB/s': (bytes / 1e6 / s).toFixed(1),
      'Mtokens/s': (tokens / 1e6 / s).toFixed(2),
      'peak RSS MB': median(rss[name]).toFixed(0),
      'vs baseline': (baseline / s).toFixed(2),
      'vs string split': (split / s).toFixed(2),
    });
  }
  // The same reader on 1, 2 and 4 threads, against one thread.
  const one = readers.includes('xent') ? median(times.xent) : Number.NaN;
  for (const [name, threads] of [['xent', 1], ['xent2', 2], ['xent4', 4]]) {
    const ran = readers.includes(name);
    scaling.push({
      shape: `${shape} ${(bytes / 1e6).toFixed(0)} MB`,
      threads,
      seconds: ran ? median(times[name]).toFixed(2) : 'skipped',
      'speed-up vs 1 thread': ran ? (one / median(times[name])).toFixed(2) : '-',
      'peak RSS MB': ran ? median(rss[name]).toFixed(0) : '-',
    });
  }
}
console.table(rows);
if (readers.some((r) => r === 'xent' || r === 'xent2' || r === 'xent4')) console.table(scaling);
for (const line of skipped) console.log(`skipped: ${line}`);

if (values.memory !== '') {
  // What --threads auto chooses for each size, from the built code itself.
  const { resolveThreads } = await import(join(root, 'dist', 'threads', 'thread-count.js'));
  const memoryCores = Number(values['memory-cores']);
  if (!Number.isInteger(memoryCores) || memoryCores < 1) throw new Error(`Expected \`--memory-cores\` to be an integer from 1 and up, got ${values['memory-cores']}`);
  const mem = [];
  for (const shape of values['memory-shapes'].split(',')) {
    for (const mb of values.memory.split(',').map(Number)) {
      const path = await workload(shape, mb);
      const size = statSync(path).size;
      const threads = resolveThreads('auto', size, memoryCores);
      const x = timed([process.execPath, '--import', rssHook, bin, 'report', path, '--json', '--threads', String(threads)]);
      mem.push({ shape, 'input MB': (size / 1e6).toFixed(0), 'auto threads': threads, 'peak RSS MB': x.rss.toFixed(0), seconds: x.seconds.toFixed(1), 'MB/s': (size / 1e6 / x.seconds).toFixed(0) });
    }
  }
  console.log(`memory at the default threads of a ${memoryCores}-core machine, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}:`);
  console.table(mem);
}

const startupRuns = Number(values.startup);
if (startupRuns > 0) {
  // A 1 KB file: what is measured is the process, start to exit, not the reading.
  const small = join(values.dir, 'startup-1kb.jsonl');
  const line = (i) => `${JSON.stringify({ id: `s${i}`, tokens: ['The', ' cat', ' sat'], logprobs: [-1.25, -0.5, -2.0625] })}\n`;
  writeFileSync(small, Array.from({ length: 14 }, (_, i) => line(i)).join(''));
  const commands = {
    'node -e 0 (floor)': ['-e', '0'],
    'xent --version': [bin, '--version'],
    'xent report 1 KB --json': [bin, 'report', small, '--json'],
    'xent report 1 KB (text)': [bin, 'report', small],
    'xent audit 1 KB --json': [bin, 'audit', small, '--json'],
  };
  const seconds = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < startupRuns; i++) {
    for (const [k, args] of Object.entries(commands)) {
      seconds[k].push(timed([process.execPath, ...args]).seconds);
      // A second run, with a hook that prints the process's CPU time on exit (it adds one tiny module to both).
      cpu[k].push(timed([process.execPath, '--import', rssHook, ...args]).cpu);
    }
  }
  console.log(`start-up, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}:`);
  console.table(
    Object.keys(commands).map((command) => ({
      command,
      'median s': median(seconds[command]).toFixed(3),
      'min s': Math.min(...seconds[command]).toFixed(3),
      'median CPU s': median(cpu[command]).toFixed(3),
    })),
  );
}

if (values.catchup) {
  // Its own script (it times a daemon, not a reader), given this run's sizes and shapes.
  const args = ['--mb', values.mb, '--runs', values.runs, '--shapes', values.shapes, '--dir', values.dir];
  const r = spawnSync(process.execPath, [join(here, 'watch-catchup.mjs'), ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = r.status ?? 1;
}
