// Flat-memory check for `xent compare --kl` (a bench, never a unit test): compares generated pairs of full-logit dumps
// (xent-distribution, side B in reverse order) of two sizes in child processes and prints each one's peak RSS. Memory
// is flat when the large run peaks near the small one. The broken control loads every record of side A into memory
// (what a join without partitions on disk would do) and must grow with the input, which shows the measurement can see
// growth.
//   npm run build && node test/bench/compare-kl-memory.mjs [smallSequences=100] [largeSequences=400] [dir=/tmp]
// Each sequence is 16 positions of a 4,096-entry row: about 0.48 MB of JSON a side.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const POSITIONS = 16;
const VOCAB = 4096;

if (process.argv[2] === '--child') {
  // node compare-kl-memory.mjs --child A B
  const [, , , a, b] = process.argv;
  const { compareFiles } = await import(join(root, 'dist', 'compare', 'compare-files.js'));
  const started = Date.now();
  const report = await compareFiles([a], [b], { kl: true });
  process.stdout.write(JSON.stringify({ matched: report.matched, positions: report.kl.positions, mean_kl: report.kl.mean, seconds: (Date.now() - started) / 1000 }));
  process.exit(0);
}
if (process.argv[2] === '--control') {
  // The broken control: every record of side A parsed and kept, as a join in memory would.
  const [, , , a] = process.argv;
  const started = Date.now();
  const kept = [];
  for await (const line of createInterface({ input: createReadStream(a) })) if (line !== '') kept.push(JSON.parse(line));
  process.stdout.write(JSON.stringify({ matched: kept.length, positions: kept.length * POSITIONS, mean_kl: null, seconds: (Date.now() - started) / 1000 }));
  process.exit(0);
}

const [small = '100', large = '400', dir = '/tmp'] = process.argv.slice(2);

async function dumps(sequences) {
  const paths = ['a', 'b'].map((side) => join(dir, `xent-compare-kl-bench-${sequences}-${side}.jsonl`));
  for (const [k, path] of paths.entries()) {
    if (existsSync(path)) continue;
    const out = createWriteStream(path);
    for (let s = 0; s < sequences; s++) {
      const id = k === 0 ? s : sequences - 1 - s;
      const rows = Array.from({ length: POSITIONS }, (_, p) =>
        Array.from({ length: VOCAB }, (_, j) => Number((Math.sin(j * 0.37 + p + id) * 4 + (k === 1 ? 0.05 * Math.cos(j) : 0)).toFixed(4))),
      );
      if (!out.write(`${JSON.stringify({ id: `s${id}`, logits: rows, targets: rows.map((_, p) => (p * 7) % VOCAB) })}\n`)) {
        await new Promise((resolve) => out.once('drain', resolve));
      }
    }
    await new Promise((resolve) => out.end(resolve));
    console.log('generated', path);
  }
  return paths;
}

function measure(mode, a, b) {
  const child = spawnSync(process.execPath, ['--import', join(root, 'test', 'bench', 'max-rss.mjs'), fileURLToPath(import.meta.url), mode, a, b], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(child.stderr);
  const rss = Number(/XENT_BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1]) / 1024;
  return { ...JSON.parse(child.stdout), peak_rss_mb: Math.round(rss) };
}

const sizes = [Number(small), Number(large)];
const pairs = [];
for (const n of sizes) pairs.push(await dumps(n));
const rows = [];
for (const [label, mode] of [['compare --kl', '--child'], ['CONTROL: side A kept in memory', '--control']]) {
  for (const [i, [a, b]] of pairs.entries()) rows.push({ run: label, sequences: sizes[i], ...measure(mode, a, b) });
}
console.table(rows);
const [x, y, c, d] = rows;
console.log(`compare --kl: ${x.peak_rss_mb} MB → ${y.peak_rss_mb} MB for ${sizes[1] / sizes[0]}× the input; control: ${c.peak_rss_mb} MB → ${d.peak_rss_mb} MB`);
