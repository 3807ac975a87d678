import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { PROMETHEUS, prometheusTool } from '../helpers/prometheus-tools.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startDaemon, waitUntil, type Daemon } from '../helpers/watch-daemon.js';
import { recordLines } from '../helpers/watch-harness.js';

const dir = tempDir('xent-prom-');
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) =>
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (error) {
          reject(error as Error);
        }
      });
    }).on('error', reject),
  );
}

interface QueryResult { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }

describe.runIf(prometheusTool(PROMETHEUS))('a real Prometheus scraping xent watch', () => {
  let daemon: Daemon | undefined;
  let prometheus: ChildProcess | undefined;
  afterAll(async () => {
    await daemon?.stop();
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus?.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
  });

  it('after a writer appends, PromQL through the HTTP API gives the token count of xent report on the file', async () => {
    const log = join(dir, 'eval.jsonl');
    writeFileSync(log, text(recordLines(151, 40)));
    daemon = await startDaemon([log, '--state', join(dir, 'state'), '--out', join(dir, 'out.ndjson'), '--interval', '100ms', '--poll', '20ms', '--checkpoint-interval', '200ms']);

    const port = await freePort();
    const storage = join(dir, 'tsdb');
    mkdirSync(storage);
    const config = join(dir, 'prometheus.yml');
    // The repository's alert rules are loaded too: Prometheus itself must accept them.
    writeFileSync(
      config,
      JSON.stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(repoRoot, 'deploy', 'prometheus', 'xent-rules.yml')],
        scrape_configs: [{ job_name: 'xent', static_configs: [{ targets: [`127.0.0.1:${daemon.port}`] }] }],
      }),
    );
    let log2 = '';
    prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prometheus.stderr?.on('data', (d: Buffer) => (log2 += d.toString()));
    const query = async (promql: string) => (await getJson(port, `/api/v1/query?query=${encodeURIComponent(promql)}`)) as QueryResult;
    const scalar = async (promql: string): Promise<number | undefined> => {
      try {
        const r = await query(promql);
        const v = r.data.result[0]?.value[1];
        return v === undefined ? undefined : Number(v);
      } catch {
        return undefined; // not up yet
      }
    };
    await waitUntil(async () => (await scalar('up{job="xent"}')) === 1, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; prometheus said: ${log2}`);
    });

    // The writer appends while both run.
    const more = recordLines(152, 60, 'w');
    for (let i = 0; i < more.length; i += 15) {
      appendFileSync(log, text(more.slice(i, i + 15)));
      await new Promise((r) => setTimeout(r, 150));
    }
    const { code, stdout } = await runCli(['report', log, '--json']);
    expect(code).toBe(EXIT.OK);
    const expected = (JSON.parse(stdout) as { corpus: { tokens: number } }).corpus.tokens;
    expect(expected).toBeGreaterThan(100);
    await waitUntil(async () => (await scalar('sum(xent_tokens_total{job="xent"})')) === expected, 60_000).catch(async (error: Error) => {
      throw new Error(`${error.message}: Prometheus has ${await scalar('sum(xent_tokens_total{job="xent"})')} tokens, xent report ${expected}`);
    });
    // The histogram made it through too: one observation per finished sequence, le="+Inf" equal to _count.
    const count = await scalar('xent_sequence_cross_entropy_nats_count{job="xent"}');
    expect(count).toBeGreaterThan(0);
    expect(await scalar('xent_sequence_cross_entropy_nats_bucket{job="xent",le="+Inf"}')).toBe(count);
    const rules = (await getJson(port, '/api/v1/rules')) as { data: { groups: { name: string; rules: { health: string }[] }[] } };
    const group = rules.data.groups.find((g) => g.name === 'xent');
    expect(group?.rules.length).toBe(7);
  }, 120_000);
});
