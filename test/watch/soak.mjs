// Soak run for `xent watch` (not run by CI): several writers append to files that get rotated
// (rename and copy-truncate), while the daemon is killed (-9) or stopped (SIGTERM) and
// restarted at random. At the end the daemon's final report must equal `xent report` over
// everything completely written (the writers keep a mirror of every file generation).
//   node test/watch/soak.mjs [--minutes 3] [--writers 3] [--seed 1]
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'cli', 'bin.js');
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '3' }, writers: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' } } });
let s = Number(values.seed) >>> 0;
const rand = () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296);

const dir = mkdtempSync(join(tmpdir(), 'xent-soak-'));
const logs = join(dir, 'logs');
const mirror = join(dir, 'mirror');
mkdirSync(logs);
mkdirSync(mirror);
const state = join(dir, 'state');
const out = join(dir, 'out.ndjson');
const writers = Array.from({ length: Number(values.writers) }, (_, i) => ({ path: join(logs, `w${i}.jsonl`), generation: 0, rotations: 0 }));
const mirrorOf = (w) => join(mirror, `${w.path.split('/').pop().replace('.jsonl', '')}.g${w.generation}.jsonl`);
for (const w of writers) {
  writeFileSync(w.path, '');
  writeFileSync(mirrorOf(w), '');
}
let seq = 0;
const counts = { lines: 0, kills: 0, stops: 0, renames: 0, copyTruncates: 0 };

function record() {
  seq++;
  if (seq % 4 === 0) return JSON.stringify({ sequence_id: `stream-${seq % 3}`, logprob: -Number((rand() * 9).toFixed(6)), final: seq % 12 === 0 });
  return JSON.stringify({ id: `s${seq}`, logprobs: Array.from({ length: 1 + Math.floor(rand() * 30) }, () => -Number((rand() * 9).toFixed(6))) });
}

function daemon() {
  return spawn(process.execPath, [bin, 'watch', join(logs, '*.jsonl*'), '--state', state, '--out', out, '--interval', '500ms', '--poll', '100ms', '--checkpoint-interval', '300ms'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let child = daemon();
const deadline = Date.now() + Number(values.minutes) * 60_000;
let nextFault = Date.now() + 2000 + rand() * 4000;
let nextRotation = Date.now() + 3000 + rand() * 5000;
while (Date.now() < deadline) {
  for (const w of writers) {
    // Lines arrive split at random bytes, as real writers' buffers flush.
    const text = Array.from({ length: 1 + Math.floor(rand() * 20) }, record).map((l) => `${l}\n`).join('');
    const cut = Math.floor(rand() * text.length);
    appendFileSync(w.path, text.slice(0, cut));
    appendFileSync(w.path, text.slice(cut));
    appendFileSync(mirrorOf(w), text);
    counts.lines += text.split('\n').length - 1;
  }
  if (Date.now() > nextRotation) {
    const w = writers[Math.floor(rand() * writers.length)];
    w.rotations++;
    if (rand() < 0.5) {
      renameSync(w.path, `${w.path}.${w.rotations}`);
      counts.renames++;
    } else {
      copyFileSync(w.path, `${w.path}.${w.rotations}`);
      truncateSync(w.path, 0);
      counts.copyTruncates++;
    }
    w.generation++;
    writeFileSync(mirrorOf(w), '');
    if (!w.path.endsWith('.jsonl')) throw new Error('bad path');
    writeFileSync(w.path, '', { flag: 'a' });
    nextRotation = Date.now() + 3000 + rand() * 5000;
  }
  if (Date.now() > nextFault) {
    if (rand() < 0.6) {
      child.kill('SIGKILL');
      counts.kills++;
    } else {
      child.kill('SIGTERM');
      counts.stops++;
    }
    await new Promise((r) => child.once('exit', r));
    await sleep(rand() * 500);
    child = daemon();
    nextFault = Date.now() + 2000 + rand() * 6000;
  }
  await sleep(20 + rand() * 30);
}
// Let it catch up, then stop it.
await sleep(6000);
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
const finals = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'final');
const got = finals[finals.length - 1].corpus;
const oracle = JSON.parse(spawnSync(process.execPath, [bin, 'report', mirror, '--json', '--framing', 'lines'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout).corpus;
const keys = ['sequences', 'tokens', 'nll', 'standard_error', 'mean_sequence_perplexity', 'records', 'empty_sequences'];
const diff = keys.filter((k) => got[k] !== oracle[k]);
console.log(JSON.stringify({ minutes: Number(values.minutes), writers: writers.length, ...counts, tokens: got.tokens, records: got.records, nll: got.nll, oracle_nll: oracle.nll, equal: diff.length === 0, differing: diff }, null, 2));
process.exit(diff.length === 0 ? 0 : 1);
