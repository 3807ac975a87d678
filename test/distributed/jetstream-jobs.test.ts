import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseBrokerAddress } from '../../src/distributed/broker-address.js';
import { connectBroker } from '../../src/distributed/broker.js';
import { jobConsumer } from '../../src/distributed/job-store.js';
import { scoreShard } from '../../src/distributed/score-shard.js';
import type { ShardTask } from '../../src/distributed/shard-task.js';
import { encodeState } from '../../src/state/state-envelope.js';
import { bin, spawnCli } from '../helpers/cli.js';
import { describeWithNats, freePort, NatsServer } from '../helpers/nats-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-nats-');

/** Inputs that a shard edge can fall in the middle of: whole sequences, one-token lines (joined by the merge), a .gz file. */
function writeInputs(name: string): string[] {
  const sub = join(dir, name);
  mkdirSync(sub, { recursive: true });
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const whole = join(sub, 'a-whole.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 6000; i++) {
    lines.push(i % 997 === 5 ? 'not json' : JSON.stringify({ id: `s${i}`, logprobs: Array.from({ length: 12 }, () => -rand() * 6) }));
  }
  writeFileSync(whole, `${lines.join('\n')}\n`);
  const tokens = join(sub, 'b-tokens.jsonl');
  writeFileSync(tokens, Array.from({ length: 6000 }, (_, i) => JSON.stringify({ sequence_id: `t${i % 5}`, logprob: -rand() * 3 })).join('\n') + '\n');
  const gz = join(sub, 'c-packed.jsonl.gz');
  writeFileSync(gz, gzipSync(lines.slice(0, 500).join('\n')));
  return [whole, tokens, gz];
}

/** A worker process, its stderr kept, that the test may kill. */
function startWorker(args: string[]) {
  const child = spawn(process.execPath, [bin, 'worker', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeWithNats('xent submit / worker / collect on a real nats-server', (binary) => {
  let server: NatsServer;
  beforeAll(async () => {
    server = new NatsServer(binary, join(dir, 'store'), await freePort());
    await server.start();
  });
  afterAll(async () => server?.stop());

  /** Collected report equals `xent report` over the same files: same bytes of JSON, so tokens and nll to the last bit. */
  async function expectCollectedEqualsReport(job: string, files: string[]): Promise<void> {
    const collected = await spawnCli(['collect', '--nats', server.url, '--job', job, '--json']);
    const single = await spawnCli(['report', ...files, '--json', '--threads', '1']);
    expect(collected.stderr).toContain(`job ${job}: `);
    expect(collected.code).toBe(single.code);
    expect(collected.stdout).toBe(single.stdout);
    expect(JSON.parse(collected.stdout).corpus.tokens).toBe(6000 * 12 - 7 * 12 + 6000 + 500 * 12 - 12);
  }

  it('two workers fold a job whose shards cut sequences, and the collected report equals xent report; submitting twice queues nothing', async () => {
    const files = writeInputs('happy');
    const submit = ['submit', ...files, '--nats', server.url, '--job', 'happy', '--shard-size', '64KB'];
    const first = await spawnCli(submit);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/job happy: \d+ shard\(s\)/);
    expect((await spawnCli(submit)).stderr).toMatch(/already submitted/);
    const pending = await spawnCli(['collect', '--nats', server.url, '--job', 'happy']);
    expect(pending.code).toBe(5);
    expect(pending.stderr).toMatch(/job happy: 0\/\d+ shards done/);
    const workers = [startWorker(['--nats', server.url, '--job', 'happy', '--until-idle']), startWorker(['--nats', server.url, '--until-idle'])];
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    await expectCollectedEqualsReport('happy', files);
    const jobs = await spawnCli(['jobs', '--nats', server.url, '--json']);
    expect(JSON.parse(jobs.stdout.trim().split('\n').find((l) => l.includes('"happy"')) as string)).toMatchObject({ job: 'happy', failed: 0 });
    const purge = await spawnCli(['collect', '--nats', server.url, '--job', 'happy', '--purge', '--json']);
    expect(purge.stderr).toMatch(/job happy removed/);
    expect((await spawnCli(['collect', '--nats', server.url, '--job', 'happy'])).stderr).toMatch(/no job "happy"/);
  }, 120_000);

  it('a job of more shards than are published or fetched at once (64, 16) is queued whole and collects equal to xent report', async () => {
    const files = writeInputs('many');
    const submit = await spawnCli(['submit', ...files, '--nats', server.url, '--job', 'many', '--shard-size', '8KB']);
    expect(submit.code).toBe(0);
    const shards = Number(/job many: (\d+) shard\(s\)/.exec(submit.stderr)?.[1]);
    expect(shards).toBeGreaterThan(64);
    expect((await spawnCli(['submit', ...files, '--nats', server.url, '--job', 'many', '--shard-size', '8KB'])).stderr).toMatch(/already submitted/);
    const worker = startWorker(['--nats', server.url, '--job', 'many', '--until-idle']);
    expect(await worker.exited).toBe(0);
    expect(worker.stderr()).toContain(`${shards} shard(s) done`);
    await expectCollectedEqualsReport('many', files);
  }, 120_000);

  it('a worker killed with SIGKILL mid-job loses nothing: its task comes back after the ack wait', async () => {
    const files = writeInputs('kill');
    expect((await spawnCli(['submit', ...files, '--nats', server.url, '--job', 'kill', '--shard-size', '32KB', '--ack-wait', '1'])).code).toBe(0);
    const doomed = startWorker(['--nats', server.url, '--job', 'kill']);
    await until(() => doomed.stderr().includes('shard'));
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const rescuer = startWorker(['--nats', server.url, '--job', 'kill', '--until-idle']);
    expect(await rescuer.exited).toBe(0);
    await expectCollectedEqualsReport('kill', files);
  }, 120_000);

  it('two workers racing on one redelivered task, and the stale holder finishing last, count it once', async () => {
    const files = writeInputs('race');
    expect((await spawnCli(['submit', ...files, '--nats', server.url, '--job', 'race', '--shard-size', '64KB', '--ack-wait', '1'])).code).toBe(0);
    // A stale worker: takes a task and goes silent past the ack wait.
    const broker = await connectBroker(parseBrokerAddress(server.url));
    try {
      const consumer = await jobConsumer(broker, 'race');
      const held = await consumer?.next({ expires: 2000 });
      if (held === null || held === undefined) throw new Error('no task to hold');
      const task = JSON.parse(held.string()) as ShardTask;
      await new Promise((r) => setTimeout(r, 1500));
      const racers = [startWorker(['--nats', server.url, '--job', 'race', '--until-idle']), startWorker(['--nats', server.url, '--job', 'race', '--until-idle'])];
      expect(await Promise.all(racers.map((w) => w.exited))).toEqual([0, 0]);
      expect(racers.map((w) => w.stderr()).join('')).toMatch(new RegExp(`shard ${task.index} \\(.*\\): delivery 2`));
      // The stale worker wakes up, puts the same shard's state under the same key, and acks late.
      const span = task.end === null ? { path: task.path, start: 0 } : { path: task.path, start: task.start, end: task.end };
      const state = await scoreShard(span, { accumulator: { segment: 'all', sentinels: 'include', keepSequences: false, maxExamples: 20 }, format: 'auto', framing: 'auto', fastPath: true });
      const kv = await broker.kvm.open('xent-job-race');
      await kv.put(`shard.${task.index}`, gzipSync(encodeState({ settings: { segment: 'all', sentinels: 'include', vocab_size: null, max_examples: 20 }, files: [state] })));
      held.ack();
    } finally {
      await broker.close();
    }
    await expectCollectedEqualsReport('race', files);
  }, 120_000);

  it('the broker restarted mid-job: workers reconnect and carry on (file storage keeps the job)', async () => {
    const files = writeInputs('restart');
    expect((await spawnCli(['submit', ...files, '--nats', server.url, '--job', 'restart', '--shard-size', '32KB', '--ack-wait', '2'])).code).toBe(0);
    const worker = startWorker(['--nats', server.url, '--job', 'restart', '--until-idle']);
    await until(() => worker.stderr().includes('done'));
    await server.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await server.start();
    expect(await worker.exited).toBe(0);
    await expectCollectedEqualsReport('restart', files);
  }, 120_000);

  it('a file changed after submission fails its shard, named with the reason, and collect exits 2', async () => {
    const files = writeInputs('changed');
    expect((await spawnCli(['submit', ...files, '--nats', server.url, '--job', 'changed', '--shard-size', '64KB'])).code).toBe(0);
    appendFileSync(files[0] as string, '{"id":"late","logprobs":[-1]}\n');
    const worker = startWorker(['--nats', server.url, '--job', 'changed', '--until-idle']);
    expect(await worker.exited).toBe(0);
    const collected = await spawnCli(['collect', '--nats', server.url, '--job', 'changed', '--json']);
    expect(collected.code).toBe(2);
    expect(collected.stderr).toMatch(/shard 0 failed \(.*a-whole\.jsonl bytes 0–\d+\): .*changed since it was submitted/);
    const report = JSON.parse(collected.stdout);
    expect(report.files.find((f: { file: string }) => f.file === files[0])).toMatchObject({ status: 'failed' });
  }, 120_000);

  it('NATS unreachable at start: a clear error and exit 69 within seconds, credentials never printed', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await spawnCli(['collect', '--nats', `nats://alice:s3cret-pw@127.0.0.1:${port}`, '--job', 'x', '--connect-timeout', '2']);
    expect(result.code).toBe(69);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(result.stderr).toContain(`cannot reach NATS at nats://127.0.0.1:${port}`);
    expect(result.stderr + result.stdout).not.toContain('s3cret-pw');
    const token = await spawnCli(['worker', '--nats', `nats://tok-123456@127.0.0.1:${port}`, '--connect-timeout', '1']);
    expect(token.code).toBe(69);
    expect(token.stderr).not.toContain('tok-123456');
  }, 60_000);

  it('a bad URL is a usage error that names no credentials', async () => {
    const result = await spawnCli(['jobs', '--nats', 'http://bob:hunter2@example:80']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--nats: expected nats:\/\/host:port, got http:\/\/\*\*\*@example:80/);
    expect(result.stderr).not.toContain('hunter2');
  });
});
