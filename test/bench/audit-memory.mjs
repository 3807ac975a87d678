// Flat-memory check for `xent audit` (a bench, never a unit test): audits generated flat dumps of
// two sizes in child processes and prints each one's peak RSS. Memory is flat when the large run
// peaks near the small one. The broken control keeps every sequence (--top larger than the
// corpus) and must grow with the corpus, which shows the measurement can see growth.
//   npm run build && node test/bench/audit-memory.mjs [smallMB=100] [largeMB=1050] [dir=/tmp]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const [smallMb = '100', largeMb = '1050', dir = '/tmp'] = process.argv.slice(2);

if (process.argv[2] === '--child') {
  // node audit-memory.mjs --child FILE TOP DETAIL
  const [, , , file, top, detail] = process.argv;
  const { auditFiles } = await import(join(root, 'dist', 'audit', 'audit-files.js'));
  const started = Date.now();
  const report = await auditFiles([file], { top: Number(top), detailTokens: Number(detail) });
  process.stdout.write(JSON.stringify({ tokens: report.corpus.tokens, sequences: report.corpus.sequences, seconds: (Date.now() - started) / 1000 }));
  process.exit(0);
}

async function dump(mb) {
  const path = join(dir, `xent-audit-bench-${mb}mb.jsonl`);
  if (!existsSync(path)) console.log('generated', path, await generate(path, { shape: 'flat', bytes: Number(mb) * 1e6, seed: 7 }));
  return path;
}

function measure(file, top, detail) {
  const child = spawnSync(process.execPath, ['--import', join(root, 'test', 'bench', 'max-rss.mjs'), fileURLToPath(import.meta.url), '--child', file, String(top), String(detail)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(child.stderr);
  const rss = Number(/XENT_BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1]) / 1024;
  return { ...JSON.parse(child.stdout), peak_rss_mb: Math.round(rss) };
}

const small = await dump(smallMb);
const large = await dump(largeMb);
const rows = [];
for (const [label, top, detail] of [['audit --top 10 (html detail 200)', 10, 200], ['CONTROL: keeps every sequence', 1e8, 0]]) {
  for (const [size, file] of [[smallMb, small], [largeMb, large]]) rows.push({ run: label, mb: Number(size), ...measure(file, top, detail) });
}
console.table(rows);
const [a, b, c, d] = rows;
console.log(`audit: ${a.peak_rss_mb} MB → ${b.peak_rss_mb} MB for ${Number(largeMb) / Number(smallMb)}× the input; control: ${c.peak_rss_mb} MB → ${d.peak_rss_mb} MB`);
