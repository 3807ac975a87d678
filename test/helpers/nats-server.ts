import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { describe, it } from 'vitest';

/** The nats-server binary: Debian's package puts it in /usr/sbin, which a user's PATH may lack. */
export function natsServerPath(): string | undefined {
  for (const path of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) if (existsSync(path)) return path;
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : undefined;
}

/**
 * describe() for tests that need a real nats-server: skipped with a visible message when there is
 * none, and a failing test instead when XENT_REQUIRE_NATS=1 (CI installs it, so a skip there
 * would hide that the fault tests never ran).
 */
export function describeWithNats(name: string, body: (server: string) => void): void {
  const server = natsServerPath();
  if (server !== undefined) {
    describe(name, () => body(server));
    return;
  }
  if (process.env.XENT_REQUIRE_NATS === '1') {
    describe(name, () => it('needs nats-server (XENT_REQUIRE_NATS=1)', () => {
      throw new Error('nats-server is not installed, and XENT_REQUIRE_NATS=1 requires it (apt-get install nats-server)');
    }));
    return;
  }
  console.warn(`[skip] ${name}: nats-server is not installed (apt-get install nats-server); set XENT_REQUIRE_NATS=1 to fail instead`);
  describe.skip(name, () => body(''));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A nats-server with JetStream on a loopback port and its own store, which a test can stop and start again. */
export class NatsServer {
  private child: ChildProcess | undefined;
  constructor(
    private readonly binary: string,
    readonly storeDir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(this.binary, ['-js', '-sd', this.storeDir, '-a', '127.0.0.1', '-p', String(this.port)], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await accepts(this.port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nats-server did not start on port ${this.port}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
