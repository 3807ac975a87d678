import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { bin, spawnCli } from '../helpers/cli.js';
import { describeWithNats, freePort, NatsServer } from '../helpers/nats-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('xent-fleet-');

function daemon(args: string[]) {
  const child = spawn(process.execPath, [bin, 'watch', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describeWithNats('a fleet of daemons publishing to NATS KV (xent watch --publish, xent merge --nats)', (binary) => {
  let server: NatsServer | undefined;
  const daemons: ReturnType<typeof daemon>[] = [];
  afterAll(async () => {
    for (const d of daemons) d.child.kill('SIGKILL');
    await server?.stop();
  });

  it('daemons keep tailing while the broker is down, publish when it comes up, and the fleet report equals xent report over their files', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const files = ['a', 'b'].map((n) => join(dir, `${n}.jsonl`));
    writeFileSync(files[0] as string, '{"id":"a1","logprobs":[-1,-0.5]}\n{"id":"a2","logprobs":[-2]}\n');
    writeFileSync(files[1] as string, '{"id":"b1","logprobs":[-0.25]}\nnot json\n');
    for (const [k, file] of files.entries()) {
      daemons.push(
        daemon([file, '--state', join(dir, `state-${k}`), '-o', join(dir, `out-${k}.ndjson`), '--publish', url, '--node', `node-${k}`,
          '--interval', '200ms', '--poll', '100ms', '--checkpoint-interval', '200ms']),
      );
    }
    // The broker is down: the daemons say so, and go on (more lines are still folded in).
    await until(() => daemons.every((d) => d.stderr().includes('cannot publish')));
    appendFileSync(files[0] as string, '{"id":"a3","logprobs":[-3,-1e-9]}\n');
    server = new NatsServer(binary, join(dir, 'store'), port);
    await server.start();
    const single = JSON.parse((await spawnCli(['report', ...files, '--json'])).stdout).corpus;
    let fleet: { corpus: { tokens: number; nll: number; sequences: number } } | undefined;
    await until(async () => {
      const r = await spawnCli(['merge', '--nats', url, '--json']);
      if (r.code !== 0) return false;
      fleet = JSON.parse(r.stdout);
      return fleet?.corpus.tokens === single.tokens;
    });
    expect(fleet?.corpus).toEqual(single);
    // 1 + 0.5 + 2 + 3 + 1e-9 + 0.25 nats, exactly summed: 6.750000001
    expect(fleet?.corpus.nll).toBe(6.750000001);
    const stale = await spawnCli(['merge', '--nats', url, '--stale', '1ms']);
    expect(stale.stderr).toMatch(/node node-0: state \d+s old — stale \(older than --stale 1ms\)/);
    expect(stale.stderr).toMatch(/node node-1: state \d+s old/);
  }, 90_000);
});

async function until(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
