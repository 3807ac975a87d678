import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentProcess, StateLock, type LockOwner } from '../../src/watch/state-lock.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir('xent-lock-');
let n = 0;
const fresh = () => join(root, `d${n++}`);
const me = currentProcess();
/** A daemon in another container sharing the volume: same host name even, another pid namespace. */
const neighbour: LockOwner = { ...me, pidns: 'pid:[1]', pid: 1 };
const age = (path: string, seconds: number) => {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
};

describe('StateLock', () => {
  it('refuses a second owner while the first is alive, and takes over a stale lock', () => {
    const dir = fresh();
    const lock = new StateLock(dir);
    lock.acquire();
    expect(existsSync(join(dir, 'lock'))).toBe(true);
    writeFileSync(join(dir, 'lock'), '1\n'); // xent 0.1's lock: pid 1 is alive (init)
    expect(() => new StateLock(dir).acquire()).toThrow(/in use by process 1/);
    writeFileSync(join(dir, 'lock'), '999999999\n'); // no such process: stale
    const other = new StateLock(dir);
    other.acquire();
    other.release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('names host, pid namespace, pid and start time, so a pid from another container is not mistaken for one here', () => {
    const dir = fresh();
    const lock = new StateLock(dir);
    lock.acquire();
    expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8'))).toEqual(me);
    expect(me.pidns).toMatch(/^pid:\[\d+\]$/);
    expect(me.start).toMatch(/^\d+$/);
    lock.release();
  });

  it('an owner in another pid namespace is alive while its heartbeat is fresh, and taken over once it is stale', () => {
    const dir = fresh();
    new StateLock(dir, { self: neighbour }).acquire(); // never released: a daemon that was kill -9'd
    expect(() => new StateLock(dir, { staleMs: 30_000 }).acquire()).toThrow(/in use by process 1 on .* in pid namespace pid:\[1\]/);
    age(join(dir, 'lock'), 31);
    const lock = new StateLock(dir, { staleMs: 30_000 });
    lock.acquire();
    expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8'))).toEqual(me);
    lock.release();
  });

  it('a reused pid in this namespace is not the owner: the start time must match too', () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'lock'), `${JSON.stringify({ ...me, pid: 1, start: '0' })}\n`);
    const lock = new StateLock(dir);
    lock.acquire(); // pid 1 runs, but did not start at tick 0
    lock.release();
  });

  it('the holder keeps its lock fresh, and learns when a newcomer took it over', async () => {
    const dir = fresh();
    const lock = new StateLock(dir, { staleMs: 120 });
    lock.acquire();
    age(join(dir, 'lock'), 60);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(Date.now() - statSync(join(dir, 'lock')).mtimeMs).toBeLessThan(1000);
    lock.assertHeld();
    writeFileSync(join(dir, 'lock'), `${JSON.stringify(neighbour)}\n`); // judged stale and taken over
    expect(() => lock.assertHeld()).toThrow(/lost the lock/);
  });

  it('of many newcomers racing for one stale lock, exactly one wins', async () => {
    const dir = fresh();
    new StateLock(dir, { self: neighbour }).acquire();
    age(join(dir, 'lock'), 60);
    const script = `
      import { StateLock } from ${JSON.stringify(join(repoRoot, 'dist', 'watch', 'state-lock.js'))};
      const lock = new StateLock(${JSON.stringify(dir)});
      await new Promise((r) => setTimeout(r, Number(process.argv[1]) - Date.now()));
      try { lock.acquire(); console.log('won'); await new Promise((r) => setTimeout(r, 1500)); lock.release(); }
      catch (e) { console.log(/in use/.test(e.message) ? 'refused' : 'error ' + e.message); }`;
    const at = Date.now() + 800;
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(at)]);
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('close', () => resolve(out.trim()));
      })),
    );
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(5);
  });
});
