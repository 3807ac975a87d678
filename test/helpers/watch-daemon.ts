import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { bin } from './cli.js';

export interface Daemon {
  child: ChildProcess;
  port: number;
  exit: Promise<number | null>;
  stderr: () => string;
  fetchText: (path: string) => Promise<string>;
  stop: () => Promise<number | null>;
}

/** Starts `xent watch ARGS --metrics-port 0` from dist and waits until its HTTP port is known. */
export async function startDaemon(args: string[], ms = 20_000): Promise<Daemon> {
  const child = spawn(process.execPath, [bin, 'watch', ...args, '--metrics-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + ms;
  let port: number | undefined;
  while (port === undefined) {
    const m = /metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
    if (m !== null) port = Number(m[1]);
    else if (Date.now() > deadline || child.exitCode !== null) throw new Error(`xent watch did not start: ${stderr}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  const fetchText = (path: string) =>
    new Promise<string>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject),
    );
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exit;
  };
  return { child, port, exit, stderr: () => stderr, fetchText, stop };
}

/** Polls until `predicate` holds (or fails after `ms`). */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
