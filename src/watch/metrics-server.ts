import { createServer, type Server } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import type { RollingWatchReport } from './log-watcher.js';

/**
 * Prometheus text exposition of the daemon's figures on /metrics, and /healthz. Gauges, not
 * counters: the totals come back from a checkpoint after a restart, which a counter cannot do.
 */
export class MetricsServer {
  private readonly registry = new Registry();
  private readonly tokens: Gauge;
  private readonly nll: Gauge;
  private readonly crossEntropy: Gauge;
  private readonly perplexity: Gauge;
  private readonly badRecords: Gauge;
  private readonly lag: Gauge<'file'>;
  private server: Server | undefined;

  constructor() {
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [this.registry] });
    this.tokens = gauge('xent_tokens', 'Scored tokens folded in so far');
    this.nll = gauge('xent_nll_nats', 'Negative log-likelihood folded in so far, nats');
    this.crossEntropy = gauge('xent_window_cross_entropy_nats', 'Cross-entropy over the rolling window, nats per token');
    this.perplexity = gauge('xent_window_perplexity', 'Perplexity over the rolling window');
    this.badRecords = gauge('xent_bad_records', 'Bad records seen so far');
    this.lag = new Gauge({ name: 'xent_file_lag_bytes', help: 'Bytes written to a file but not yet folded in', labelNames: ['file'], registers: [this.registry] });
  }

  update(report: RollingWatchReport): void {
    const finite = (x: number) => (Number.isFinite(x) ? x : Number.NaN);
    this.tokens.set(report.corpus.tokens);
    this.nll.set(finite(report.corpus.nll));
    this.crossEntropy.set(finite(report.window.cross_entropy));
    this.perplexity.set(finite(report.window.perplexity));
    this.badRecords.set(report.files.reduce((a, f) => a + f.bad_records, 0));
    this.lag.reset();
    for (const f of report.files) if (f.lag !== null) this.lag.set({ file: f.file }, f.lag);
  }

  listen(port: number, host: string): Promise<{ port: number }> {
    this.server = createServer((req, res) => {
      if (req.url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (req.url === '/metrics') {
        this.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
          (error: Error) => res.writeHead(500).end(error.message),
        );
      } else {
        res.writeHead(404).end('not found: try /metrics or /healthz\n');
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
