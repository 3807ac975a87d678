import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { Report } from '../../src/reports/report.js';
import type { LogWatcherOptions } from '../../src/watch/log-watcher.js';
import { oracle, start, until, watcherOptions, type Running } from './watch-harness.js';

/**
 * Model-based fault test of `xent watch` (fast-check commands): random programs of writes,
 * rotations, truncations, symlink switches, gzip, kills (also mid-checkpoint) and restarts
 * against one directory. The model is the list of file generations — every piece of content
 * that lived in one physical file — and the oracle is `xent report` over them (complete lines
 * only). The daemon runs in-process: abort() is kill -9 (no commit, no final report).
 */
export interface World {
  dir: string;
  /** Content of every file generation, as written (partial last lines included). */
  generations: Buffer[];
  /** Which generation `app.jsonl` and the target of `link.jsonl` are writing to. */
  live: Record<Target, number>;
  /** The rest of a line cut short by the last append, written by the next append to the same target. */
  pendingTail: Record<Target, Buffer>;
  /** Rotated plain files (rename or copy), by path. */
  rotated: string[];
  targets: number;
  rotations: number;
  running: Running | undefined;
  /** Set by CrashMidCheckpoint: the checkpoint write point at which the daemon is killed. */
  armed: 'after-temp-write' | 'after-rename' | undefined;
  warnings: string[];
}

type Target = 'app' | 'link';
const pause = (ms: number) => new Promise((res) => setTimeout(res, ms));

export function newWorld(dir: string): World {
  mkdirSync(join(dir, 'targets'), { recursive: true });
  writeFileSync(join(dir, 'app.jsonl'), '');
  writeFileSync(join(dir, 'targets', 't0.jsonl'), '');
  symlinkSync(join(dir, 'targets', 't0.jsonl'), join(dir, 'link.jsonl'));
  return {
    dir,
    generations: [Buffer.alloc(0), Buffer.alloc(0)],
    live: { app: 0, link: 1 },
    pendingTail: { app: Buffer.alloc(0), link: Buffer.alloc(0) },
    rotated: [],
    targets: 1,
    rotations: 0,
    running: undefined,
    armed: undefined,
    warnings: [],
  };
}

function options(world: World): LogWatcherOptions {
  return watcherOptions(world.dir, [join(world.dir, '*.jsonl*')], {
    readBudget: 700,
    warn: (w) => world.warnings.push(w),
    checkpointFault: (point) => {
      if (world.armed !== point) return;
      world.armed = undefined;
      world.running?.watcher.abort();
      throw new Error(`killed ${point}`);
    },
  });
}

export function startWatcher(world: World): void {
  world.running = start(options(world));
}

const livePath = (world: World, target: Target) =>
  target === 'app' ? join(world.dir, 'app.jsonl') : join(world.dir, 'targets', `t${world.targets - 1}.jsonl`);

function write(world: World, target: Target, bytes: Buffer): void {
  appendFileSync(livePath(world, target), bytes);
  const g = world.live[target];
  world.generations[g] = Buffer.concat([world.generations[g] as Buffer, bytes]);
}

/** A new, empty generation for `target` (its partial line, if any, is never completed). */
function newGeneration(world: World, target: Target): void {
  world.generations.push(Buffer.alloc(0));
  world.live[target] = world.generations.length - 1;
  world.pendingTail[target] = Buffer.alloc(0);
}

/** Until the daemon has read every file to its end and committed it (or gives up after `ms`). */
async function caughtUp(world: World, ms = 3000): Promise<void> {
  const r = world.running;
  if (r === undefined) return;
  // Each live file that holds something must be followed by its inode (the daemon may not have
  // polled since it appeared): the status alone names files by path, and a deleted file keeps its path.
  const followed = () => (r.watcher as unknown as { followed: { files: { ino: number; frozen: unknown }[] } }).followed.files;
  const inodes = (['app', 'link'] as const)
    .filter((t) => (world.generations[world.live[t]] as Buffer).length > 0)
    .map((t) => statSync(join(world.dir, `${t}.jsonl`)).ino);
  await until(async () => {
    if (r.watcher.hasUncommitted) return false;
    if (!inodes.every((ino) => followed().some((f) => f.ino === ino && f.frozen === null))) return false;
    return (await r.watcher.status()).every((f) => f.lag === null || f.lag === 0);
  }, ms).catch(() => undefined);
  await pause(20);
}

/** Finishes a line cut short, so that a destructive operation finds complete lines only. */
function completeLine(world: World, target: Target): void {
  const tail = world.pendingTail[target];
  world.pendingTail[target] = Buffer.alloc(0);
  if (tail.length > 0) write(world, target, tail);
}

abstract class Step implements fc.AsyncCommand<World, World> {
  check(_world: Readonly<World>): boolean {
    return true;
  }
  abstract run(_model: World, world: World): Promise<void>;
  abstract toString(): string;
}

class Append extends Step {
  constructor(
    readonly target: Target,
    readonly lines: string[],
    readonly cut: number | null,
  ) {
    super();
  }
  async run(_m: World, world: World): Promise<void> {
    const tail = world.pendingTail[this.target];
    world.pendingTail[this.target] = Buffer.alloc(0);
    const bytes = Buffer.concat([tail, Buffer.from(this.lines.map((l) => `${l}\n`).join(''))]);
    if (this.cut === null || bytes.length < 2) {
      write(world, this.target, bytes);
      return;
    }
    // Cut at any byte, inside a UTF-8 character too; the rest comes with the next append.
    const at = 1 + Math.floor(this.cut * (bytes.length - 1));
    write(world, this.target, bytes.subarray(0, at));
    world.pendingTail[this.target] = Buffer.from(bytes.subarray(at));
  }
  toString(): string {
    return `Append(${this.target}, ${this.lines.length} lines, cut ${this.cut})`;
  }
}

class RenameRotate extends Step {
  async run(_m: World, world: World): Promise<void> {
    const app = join(world.dir, 'app.jsonl');
    const to = `${app}.${++world.rotations}`;
    renameSync(app, to);
    world.rotated.push(to);
    writeFileSync(app, '');
    newGeneration(world, 'app');
  }
  toString(): string {
    return 'RenameRotate';
  }
}

class CopyTruncate extends Step {
  constructor(readonly slow: boolean) {
    super();
  }
  async run(_m: World, world: World): Promise<void> {
    const app = join(world.dir, 'app.jsonl');
    const to = `${app}.${++world.rotations}`;
    if (this.slow) {
      // A copy that takes longer than the copy grace (150 ms in the harness).
      const content = readFileSync(app);
      const step = Math.max(1, Math.ceil(content.length / 4));
      writeFileSync(to, '');
      for (let i = 0; i < content.length; i += step) {
        appendFileSync(to, content.subarray(i, i + step));
        await pause(60);
      }
    } else copyFileSync(app, to);
    truncateSync(app, 0);
    world.rotated.push(to);
    newGeneration(world, 'app');
  }
  toString(): string {
    return `CopyTruncate(${this.slow ? 'slow' : 'fast'})`;
  }
}

/** Truncate in place (a following Append regrows it). Its old content is counted only if it was read: so only once caught up. */
class Truncate extends Step {
  override check(world: Readonly<World>): boolean {
    return world.running !== undefined;
  }
  async run(_m: World, world: World): Promise<void> {
    completeLine(world, 'app');
    await caughtUp(world);
    truncateSync(join(world.dir, 'app.jsonl'), 0);
    newGeneration(world, 'app');
  }
  toString(): string {
    return 'Truncate';
  }
}

class DeleteRecreate extends Step {
  override check(world: Readonly<World>): boolean {
    return world.running !== undefined;
  }
  async run(_m: World, world: World): Promise<void> {
    completeLine(world, 'app');
    await caughtUp(world);
    const app = join(world.dir, 'app.jsonl');
    rmSync(app);
    writeFileSync(app, '');
    newGeneration(world, 'app');
  }
  toString(): string {
    return 'DeleteRecreate';
  }
}

/** The old target is out of the patterns' sight: its content counts only if the daemon knew it, so only once caught up. */
class SymlinkSwitch extends Step {
  override check(world: Readonly<World>): boolean {
    return world.running !== undefined;
  }
  async run(_m: World, world: World): Promise<void> {
    await caughtUp(world);
    const target = join(world.dir, 'targets', `t${world.targets++}.jsonl`);
    writeFileSync(target, '');
    const link = join(world.dir, 'link.jsonl');
    symlinkSync(target, `${link}.new`);
    renameSync(`${link}.new`, link);
    newGeneration(world, 'link');
  }
  toString(): string {
    return 'SymlinkSwitch';
  }
}

/** gzip a rotated file next to the live one (the plain file goes). Its lines were read before: once caught up. */
class GzipRotated extends Step {
  override check(world: Readonly<World>): boolean {
    return world.running !== undefined && world.rotated.length > 0;
  }
  async run(_m: World, world: World): Promise<void> {
    await caughtUp(world);
    const path = world.rotated.shift() as string;
    writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
    rmSync(path);
  }
  toString(): string {
    return 'GzipRotated';
  }
}

class Crash extends Step {
  override check(world: Readonly<World>): boolean {
    return world.running !== undefined;
  }
  async run(_m: World, world: World): Promise<void> {
    const r = world.running as Running;
    world.running = undefined;
    r.watcher.abort();
    await r.done;
  }
  toString(): string {
    return 'Crash';
  }
}

/** kill -9 inside a checkpoint write: after the temp file is written, or after it is renamed (before the directory fsync). */
class CrashMidCheckpoint extends Step {
  constructor(readonly point: 'after-temp-write' | 'after-rename') {
    super();
  }
  override check(world: Readonly<World>): boolean {
    return world.running !== undefined;
  }
  async run(_m: World, world: World): Promise<void> {
    const r = world.running as Running;
    world.armed = this.point;
    await Promise.race([r.done, pause(1500)]);
    world.armed = undefined;
    world.running = undefined;
    r.watcher.abort();
    await r.done;
  }
  toString(): string {
    return `CrashMidCheckpoint(${this.point})`;
  }
}

class Restart extends Step {
  override check(world: Readonly<World>): boolean {
    return world.running === undefined;
  }
  async run(_m: World, world: World): Promise<void> {
    startWatcher(world);
  }
  toString(): string {
    return 'Restart';
  }
}

class Stop extends Step {
  override check(world: Readonly<World>): boolean {
    return world.running !== undefined;
  }
  async run(_m: World, world: World): Promise<void> {
    const r = world.running as Running;
    world.running = undefined;
    r.watcher.stop();
    await r.done;
  }
  toString(): string {
    return 'Stop';
  }
}

class Wait extends Step {
  constructor(readonly ms: number) {
    super();
  }
  async run(): Promise<void> {
    await pause(this.ms);
  }
  toString(): string {
    return `Wait(${this.ms})`;
  }
}

/** Logprobs on a grid of quarters, so every sum is exact and the comparison can be exact. */
const logprob = fc.integer({ min: 0, max: 24 }).map((k) => -k / 4);

/** Lines of several formats: whole sequences, one token a line with interleaved open sequences, an OpenAI completion, junk. */
export const line: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ id: fc.integer({ min: 0, max: 50 }), lps: fc.array(logprob, { minLength: 1, maxLength: 5 }) }).map(({ id, lps }) => JSON.stringify({ id: `s${id}`, logprobs: lps })) },
  { weight: 4, arbitrary: fc.record({ s: fc.integer({ min: 0, max: 2 }), lp: logprob }).map(({ s, lp }) => JSON.stringify({ sequence_id: `t${s}`, logprob: lp, token: 'é✓😀' })) },
  {
    weight: 1,
    arbitrary: fc.array(logprob, { minLength: 1, maxLength: 4 }).map((lps) =>
      JSON.stringify({ object: 'text_completion', choices: [{ index: 0, text: 'ab', logprobs: { tokens: lps.map(() => 'ü'), token_logprobs: lps } }] }),
    ),
  },
  { weight: 1, arbitrary: fc.constant('not json') },
);

export const steps = fc.commands(
  [
    fc.tuple(fc.constantFrom<Target>('app', 'link'), fc.array(line, { minLength: 1, maxLength: 30 }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null })).map(
      ([target, lines, cut]) => new Append(target, lines, cut),
    ),
    fc.tuple(fc.constantFrom<Target>('app', 'link'), fc.array(line, { minLength: 1, maxLength: 30 })).map(([target, lines]) => new Append(target, lines, null)),
    fc.constant(new RenameRotate()),
    fc.boolean().map((slow) => new CopyTruncate(slow)),
    fc.constant(new Truncate()),
    fc.constant(new DeleteRecreate()),
    fc.constant(new SymlinkSwitch()),
    fc.constant(new GzipRotated()),
    fc.constant(new Crash()),
    fc.constantFrom('after-temp-write' as const, 'after-rename' as const).map((point) => new CrashMidCheckpoint(point)),
    fc.constant(new Restart()),
    fc.constant(new Stop()),
    fc.integer({ min: 0, max: 80 }).map((ms) => new Wait(ms)),
  ],
  { maxCommands: 16 },
);

/** Restarts the daemon if it is down, lets it catch up and stops it: its final report, and the oracle's. */
export async function finish(world: World): Promise<{ final: Report; expected: Report }> {
  if (world.running === undefined) startWatcher(world);
  const r = world.running as Running;
  const expected = await oracle(world.dir, world.generations.map((g) => g.toString('utf8')));
  await until(() => {
    const corpus = r.watcher.corpus();
    return corpus.tokens >= expected.corpus.tokens && corpus.badRecords >= expected.bad_records.count;
  }, 5000).catch(() => undefined);
  await caughtUp(world);
  await pause(200); // past the copy grace: nothing more may be counted
  world.running = undefined;
  r.watcher.stop();
  const final = await r.done;
  if (final === undefined) throw new Error('no final report');
  return { final, expected };
}
