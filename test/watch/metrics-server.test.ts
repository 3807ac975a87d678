import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonStatus } from '../../src/watch/daemon-status.js';
import { MetricsServer } from '../../src/watch/metrics-server.js';

let port = 0;
const status = new DaemonStatus();
const server = new MetricsServer(status, 500);

function call(path: string, method = 'GET'): Promise<{ code: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('MetricsServer', () => {
  beforeAll(async () => {
    port = (await server.listen(0, '127.0.0.1')).port;
  });
  afterAll(() => server.close());

  it('serves a self-contained live page under a strict Content-Security-Policy', async () => {
    const { code, headers, body } = await call('/');
    expect(code).toBe(200);
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'/);
    // Nothing from the network: no src= or href= to another origin, no @import, no url().
    expect(body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(body).not.toMatch(/@import|url\(/);
    expect(body).not.toContain('innerHTML');
    expect(body).toContain('data-poll-ms="500"');
  });

  it('serves /status.json, /metrics, /healthz; 404 elsewhere and 405 for other methods', async () => {
    const json = await call('/status.json?t=1');
    expect(json.code).toBe(200);
    expect(JSON.parse(json.body)).toMatchObject({ tokens: 0, curve: [], worst: [], bad_records: {} });
    const metrics = await call('/metrics');
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toMatch(/^xent_build_info\{version="[^"]+",node="v\d+/m);
    expect((await call('/healthz')).body).toBe('ok\n');
    expect((await call('/nope')).code).toBe(404);
    expect((await call('/metrics', 'POST')).code).toBe(405);
  });
});
