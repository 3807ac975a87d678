import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { XentError } from '../errors.js';

/** Who holds a lock: enough to tell whether that process still runs, wherever it runs. */
export interface LockOwner {
  host: string;
  /** The kernel's boot id: a pid from before a reboot names no process. */
  boot: string;
  /** The pid namespace (`/proc/self/ns/pid`): two containers sharing a volume have different ones. */
  pidns: string;
  pid: number;
  /** The process's start time in clock ticks since boot, so a reused pid is not taken for the owner. */
  start: string;
}

export interface StateLockOptions {
  /**
   * An owner this lock cannot check directly (another host or pid namespace) is alive while the lock
   * file's mtime, which the holder refreshes every `staleMs / 6`, is younger than this.
   */
  staleMs?: number;
  /** This process, as the lock records it (tests pose as other processes). */
  self?: LockOwner;
}

const DEFAULT_STALE_MS = 30_000;

/**
 * One daemon per state directory, also across containers that share the volume. The lock file names
 * its owner's host, boot, pid namespace, pid and start time. An owner in this pid namespace is
 * checked directly (the pid exists and started when the lock says); any other owner keeps the lock
 * alive by touching it, and is taken for gone once the touch is `staleMs` old. Creating the lock is
 * atomic (`link` of a complete temp file), and so is taking over a stale one: only the process that
 * creates `lock.takeover` may replace it, so two newcomers can never both win.
 */
export class StateLock {
  private readonly path: string;
  private readonly staleMs: number;
  private readonly self: LockOwner;
  private readonly identity: string;
  private held = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    options: StateLockOptions = {},
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'lock');
    this.staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    this.self = options.self ?? currentProcess();
    this.identity = `${JSON.stringify(this.self)}\n`;
  }

  acquire(): void {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (this.create()) return this.hold();
      const text = readText(this.path);
      if (text === undefined) continue; // released in between: try again
      const owner = parseOwner(text);
      if (owner !== undefined && this.alive(owner)) throw new XentError('INVALID_STATE', this.inUse(owner));
      if (this.takeOver(text)) return this.hold();
      sleepMs(20); // another newcomer is taking over: see who won
    }
    throw new XentError('INVALID_STATE', `cannot lock ${this.path}: it keeps changing hands`);
  }

  /** Throws when the lock is no longer this process's (a newcomer judged it stale): stop writing. */
  assertHeld(): void {
    if (!this.held) return;
    if (readText(this.path) !== this.identity) {
      this.stopHeartbeat();
      this.held = false;
      throw new XentError('INVALID_STATE', `lost the lock on ${this.dir}: another daemon took it over; stopping so that two never write one state`);
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    this.stopHeartbeat();
    // Remove only our own lock: a newcomer may hold it by now.
    if (readText(this.path) === this.identity) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
  }

  private hold(): void {
    this.held = true;
    this.heartbeat = setInterval(() => {
      if (readText(this.path) !== this.identity) return; // assertHeld reports it where it matters
      const now = new Date();
      try {
        utimesSync(this.path, now, now);
      } catch {
        // a transient failure: the next beat retries, well within staleMs
      }
    }, Math.max(10, Math.floor(this.staleMs / 6)));
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Creates the lock if there is none, whole or not at all. */
  private create(): boolean {
    const temp = this.tempFile();
    try {
      linkSync(temp, this.path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      unlinkSync(temp);
    }
  }

  /** Replaces a stale lock (whose text was `stale`) under the takeover mutex. */
  private takeOver(stale: string): boolean {
    const mutex = `${this.path}.takeover`;
    try {
      writeFileSync(mutex, this.identity, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A takeover that crashed halfway leaves its mutex behind: clear it once it is old.
      const age = ageMs(mutex);
      if (age !== undefined && age > this.staleMs) unlinkQuietly(mutex);
      return false;
    }
    try {
      // Still the same stale lock? Someone may have taken over and released since we read it.
      if (readText(this.path) !== stale) return false;
      renameSync(this.tempFile(), this.path);
      return true;
    } finally {
      unlinkQuietly(mutex);
    }
  }

  private tempFile(): string {
    const temp = join(this.dir, `lock.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(temp, this.identity, { flag: 'wx' });
    return temp;
  }

  private alive(owner: LockOwner | number): boolean {
    if (typeof owner === 'number') return owner !== this.self.pid && pidRuns(owner);
    const here = owner.host === this.self.host && owner.boot === this.self.boot && owner.pidns === this.self.pidns;
    if (here) return owner.pid !== this.self.pid && pidRuns(owner.pid) && startTime(owner.pid) === owner.start;
    if (owner.host === this.self.host && owner.boot !== this.self.boot && owner.pidns === this.self.pidns) return false; // rebooted
    const age = ageMs(this.path);
    return age !== undefined && age < this.staleMs;
  }

  private inUse(owner: LockOwner | number): string {
    const where = this.path.slice(0, -'/lock'.length);
    if (typeof owner === 'number') return `state directory ${where} is in use by process ${owner} (one daemon per state directory)`;
    const here = owner.host === this.self.host && owner.pidns === this.self.pidns;
    const elsewhere = here ? '' : ` on ${owner.host} in pid namespace ${owner.pidns}, alive by its heartbeat`;
    return `state directory ${where} is in use by process ${owner.pid}${elsewhere} (one daemon per state directory)`;
  }
}

/** A lock's owner: the JSON this class writes, or the bare pid that xent 0.1 wrote. */
function parseOwner(text: string): LockOwner | number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  try {
    const owner = JSON.parse(trimmed) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string' && typeof owner.pidns === 'string') {
      return { host: owner.host, boot: String(owner.boot ?? ''), pidns: owner.pidns, pid: owner.pid, start: String(owner.start ?? '') };
    }
  } catch {
    // a torn or foreign file: no owner can be named, so it cannot be alive
  }
  return undefined;
}

export function currentProcess(): LockOwner {
  return {
    host: hostname(),
    boot: readText('/proc/sys/kernel/random/boot_id')?.trim() ?? '',
    pidns: readLink('/proc/self/ns/pid') ?? '',
    pid: process.pid,
    start: startTime(process.pid),
  };
}

/** Field 22 of /proc/PID/stat (after the parenthesised command, which may hold spaces); '' off Linux. */
function startTime(pid: number): string {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return '';
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number | undefined {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
