// npm run build && node test/bench/audit-speed.mjs [--mb 100] [--runs 5] [--shapes openai,flat] [--also BIN] [--html]
// Times `xent audit --json` (with `--html`: `xent audit --json --html FILE`, the heat-map's two passes)
// against `xent report --json --threads 1` on the same seeded files
// (test/bench/generate.mjs, seed 7, generated once into .xent-bench/ and shared with run.mjs). The
// commands alternate run by run, so that a slow minute of a shared machine hits them all alike,
// and the table shows, per shape, the median of the runs: wall seconds, user CPU seconds and peak
// RSS (from /usr/bin/time where installed), MB/s, and each audit's time as a multiple of report's.
// `--also BIN` adds the audit of another build (the bin.js of a checkout of an older commit) to
// every round, for a before/after on the same files. Every command must count the same tokens, or
// the run stops.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    shapes: { type: 'string', default: 'openai,flat' },
    also: { type: 'string' },
    html: { type: 'boolean', default: false },
    dir: { type: 'string', default: join(root, '.xent-bench') },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`Expected \`--runs\` to be an integer from 1 and up, got ${values.runs}`);
const mb = Number(values.mb);
if (!(mb > 0)) throw new Error(`Expected \`--mb\` to be a number above 0, got ${values.mb}`);
if (values.also !== undefined && !existsSync(values.also)) throw new Error(`Expected \`--also\` to be a bin.js, got ${values.also}`);
mkdirSync(values.dir, { recursive: true });
const bin = join(root, 'dist', 'cli', 'bin.js');
const time = existsSync('/usr/bin/time');

/** The commands timed on each file, and how to read the tokens each one counted. */
const page = values.html ? ['--html', join(values.dir, 'audit-speed.html')] : [];
const audit = `xent audit --json${values.html ? ' --html' : ''}`;
const COMMANDS = [
  { label: 'xent report --json --threads 1', argv: (f) => [bin, 'report', f, '--json', '--threads', '1'] },
  { label: audit, argv: (f) => [bin, 'audit', f, '--json', ...page] },
  ...(values.also === undefined ? [] : [{ label: `${audit} (${values.also})`, argv: (f) => [values.also, 'audit', f, '--json', ...page] }]),
];

function timed(args) {
  const argv = [...(time ? ['/usr/bin/time', '-f', 'XENT_BENCH_TIME=%U %M'] : []), process.execPath, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
  const [, user = 'NaN', rssKb = 'NaN'] = /XENT_BENCH_TIME=([\d.]+) (\d+)/.exec(r.stderr) ?? [];
  return { seconds, user: Number(user), rss: Number(rssKb) / 1024, tokens: JSON.parse(r.stdout).corpus.tokens };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function workload(shape) {
  const path = join(values.dir, `${shape}-${mb}mb.jsonl`);
  if (!existsSync(path)) {
    process.stderr.write(`generating ${path}…\n`);
    await generate(path, { shape, bytes: mb * 1e6, seed: 7 });
  }
  return path;
}

// The machine may be shared: the load before and after says how much the figures can be trusted.
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; median of ${runs} alternating runs, files from the page cache; load ${load()}`);
const rows = [];
for (const shape of values.shapes.split(',')) {
  const path = await workload(shape);
  const bytes = statSync(path).size;
  const results = COMMANDS.map(() => []);
  let tokens;
  // One untimed read puts the file in the page cache for every command.
  spawnSync('cat', [path], { stdio: 'ignore' });
  for (let i = 0; i < runs; i++) {
    COMMANDS.forEach((command, c) => {
      const r = timed(command.argv(path));
      tokens ??= r.tokens;
      if (r.tokens !== tokens) throw new Error(`${command.label} counted ${r.tokens} tokens in ${path}, report ${tokens}`);
      results[c].push(r);
    });
  }
  const report = median(results[0].map((r) => r.seconds));
  COMMANDS.forEach((command, c) => {
    const s = median(results[c].map((r) => r.seconds));
    rows.push({
      shape: `${shape} ${(bytes / 1e6).toFixed(0)} MB`,
      command: command.label,
      s: s.toFixed(2),
      'user s': time ? median(results[c].map((r) => r.user)).toFixed(2) : '',
      'MB/s': (bytes / 1e6 / s).toFixed(1),
      'peak RSS MB': time ? median(results[c].map((r) => r.rss)).toFixed(0) : '',
      'vs report': `${(s / report).toFixed(2)}×`,
    });
  });
}
console.table(rows);
console.log(`load at the end: ${load()}`);
