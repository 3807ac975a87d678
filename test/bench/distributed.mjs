// npm run bench -- --distributed [--mb 300 --shapes flat --runs 1]
// Times `xent report --threads 1` against a job on a local nats-server (started here, JetStream
// on a temp store) folded by 1 and by 2 `xent worker --until-idle` processes: submit → workers →
// collect. Checks that the collected report counts the same tokens and the same nll to the last
// bit, and prints the submit / workers / collect phases apart (the workers' part is what compares
// with `xent report`), the state size per shard (from the workers' logs) and the broker's traffic
// (in/out bytes from its /varz monitoring endpoint).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function run(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

function worker(bin, url, job) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'worker', '--nats', url, '--job', job, '--until-idle']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`worker exited ${code}: ${stderr}`))));
  });
}

function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function varz(port) {
  const r = await fetch(`http://127.0.0.1:${port}/varz`);
  const v = await r.json();
  return { in: v.in_bytes, out: v.out_bytes };
}

export async function benchDistributed({ bin, path, mb, runs, shardMb = 64 }) {
  const server = ['/usr/sbin/nats-server', 'nats-server'].find((b) => spawnSync(b, ['--version'], { stdio: 'ignore' }).status === 0);
  if (server === undefined) throw new Error('nats-server is not installed (apt-get install nats-server)');
  const store = mkdtempSync(join(tmpdir(), 'xent-bench-nats-'));
  const port = await freePort();
  const monitor = await freePort();
  const nats = spawn(server, ['-js', '-sd', store, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor)], { stdio: 'ignore' });
  const url = `nats://127.0.0.1:${port}`;
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const rows = [];
    let reference;
    for (let round = 0; round < runs; round++) {
      let start = process.hrtime.bigint();
      const single = JSON.parse(run([process.execPath, bin, 'report', path, '--json', '--threads', '1']).stdout);
      rows.push({ label: 'xent report --threads 1', seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      reference = single.corpus;
      for (const workers of [1, 2]) {
        const job = `bench-${round}-${workers}`;
        const before = await varz(monitor);
        start = process.hrtime.bigint();
        run([process.execPath, bin, 'submit', path, '--nats', url, '--job', job, '--shard-size', `${shardMb}MB`]);
        const submitted = process.hrtime.bigint();
        const logs = await Promise.all(Array.from({ length: workers }, () => worker(bin, url, job)));
        const worked = process.hrtime.bigint();
        const collected = JSON.parse(run([process.execPath, bin, 'collect', '--nats', url, '--job', job, '--json']).stdout).corpus;
        const end = process.hrtime.bigint();
        const seconds = Number(end - start) / 1e9;
        const after = await varz(monitor);
        if (collected.tokens !== reference.tokens || !Object.is(collected.nll, reference.nll)) {
          throw new Error(`collected ${collected.tokens} tokens, nll ${collected.nll}; xent report ${reference.tokens}, ${reference.nll}`);
        }
        const sizes = [...logs.join('').matchAll(/state (\d+) bytes/g)].map((m) => Number(m[1]));
        rows.push({
          label: `submit + ${workers} worker${workers > 1 ? 's' : ''} + collect`,
          seconds,
          // The three phases apart: the workers' part is what compares with `xent report`.
          phases: [submitted - start, worked - submitted, end - worked].map((ns) => Number(ns) / 1e9),
          shards: sizes.length,
          stateBytes: sizes.length ? Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length) : NaN,
          traffic: after.in + after.out - before.in - before.out,
        });
        run([process.execPath, bin, 'collect', '--nats', url, '--job', job, '--purge', '--json']);
      }
    }
    console.log(`\n## distributed: ${mb} MB (${reference.tokens.toLocaleString('en-US')} tokens), ${shardMb} MB shards, ${runs} run(s)\n`);
    console.log('| reader | median s | MB/s | submit / workers / collect s | shards | state/shard | broker traffic |');
    console.log('|---|---|---|---|---|---|---|');
    for (const label of [...new Set(rows.map((r) => r.label))]) {
      const mine = rows.filter((r) => r.label === label);
      const s = [...mine.map((r) => r.seconds)].sort((a, b) => a - b)[Math.floor(mine.length / 2)];
      const last = mine[mine.length - 1];
      const phases = last.phases === undefined ? '' : [0, 1, 2].map((i) => median(mine.map((r) => r.phases[i])).toFixed(2)).join(' / ');
      console.log(
        `| ${label} | ${s.toFixed(2)} | ${(mb / s).toFixed(0)} | ${phases} | ${last.shards ?? ''} | ${last.stateBytes ? `${last.stateBytes} B` : ''} | ${last.traffic ? `${(last.traffic / 1024).toFixed(0)} KiB` : ''} |`,
      );
    }
    console.log('\nEvery job collected the same tokens and nll (Object.is) as xent report.');
  } finally {
    nats.kill('SIGTERM');
    rmSync(store, { recursive: true, force: true });
  }
}
