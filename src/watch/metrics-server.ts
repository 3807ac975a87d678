import { createServer, type Server } from 'node:http';
import { XENT_VERSION } from '../version.js';
import type { DaemonStatus } from './daemon-status.js';
import { LIVE_PAGE_CSP, livePage } from './live-page.js';
import { renderMetrics } from './metrics-exposition.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The daemon's HTTP face: the live page on `/`, its data on `/status.json`, the Prometheus text
 * exposition on `/metrics`, and `/healthz`. It only reads the DaemonStatus the watcher feeds.
 */
export class MetricsServer {
  private server: Server | undefined;

  constructor(
    private readonly status: DaemonStatus,
    private readonly pollMs = 1000,
  ) {}

  listen(port: number, host: string): Promise<{ port: number }> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { ...common, allow: 'GET, HEAD' }).end();
      } else if (path === '/healthz') {
        res.writeHead(200, { ...common, 'content-type': 'text/plain' }).end('ok\n');
      } else if (path === '/metrics') {
        res.writeHead(200, { ...common, 'content-type': PROMETHEUS_TEXT }).end(renderMetrics(this.status, { version: XENT_VERSION, node: process.version }));
      } else if (path === '/status.json') {
        res.writeHead(200, { ...common, 'content-type': 'application/json' }).end(JSON.stringify(this.status.toStatusJson()));
      } else if (path === '/') {
        res.writeHead(200, { ...common, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': LIVE_PAGE_CSP }).end(livePage(this.pollMs));
      } else {
        res.writeHead(404, { ...common, 'content-type': 'text/plain' }).end('not found: try /, /status.json, /metrics or /healthz\n');
      }
    });
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve({ port: typeof address === 'object' && address !== null ? address.port : port });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
  }
}
