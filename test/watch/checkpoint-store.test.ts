import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/watch/checkpoint-store.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir('xent-ckpt-');
let n = 0;
const fresh = () => join(root, `d${n++}`);

describe('CheckpointStore', () => {
  it('round-trips a payload and returns the newest generation', () => {
    const dir = fresh();
    const store = new CheckpointStore<{ x: number }>(dir);
    expect(store.load()).toBeUndefined();
    store.save({ x: 1 });
    store.save({ x: 2 });
    store.save({ x: 3 });
    expect(new CheckpointStore<{ x: number }>(dir).load()).toEqual({ x: 3 });
  });

  it('a crash after the temp write (before the rename) leaves the previous checkpoint in force', () => {
    const dir = fresh();
    new CheckpointStore<{ x: number }>(dir).save({ x: 1 });
    const failing = new CheckpointStore<{ x: number }>(dir, (point) => {
      if (point === 'after-temp-write') throw new Error('killed');
    });
    failing.load();
    expect(() => failing.save({ x: 2 })).toThrow('killed');
    expect(new CheckpointStore<{ x: number }>(dir).load()).toEqual({ x: 1 });
  });

  it('a crash after the rename, before the directory fsync, gives either checkpoint, never none', () => {
    const dir = fresh();
    new CheckpointStore<{ x: number }>(dir).save({ x: 1 });
    const failing = new CheckpointStore<{ x: number }>(dir, (point) => {
      if (point === 'after-rename') throw new Error('killed');
    });
    failing.load();
    expect(() => failing.save({ x: 2 })).toThrow('killed');
    expect([{ x: 1 }, { x: 2 }]).toContainEqual(new CheckpointStore<{ x: number }>(dir).load());
  });

  it('a torn or corrupt newest slot falls back to the other slot, with a warning', () => {
    const dir = fresh();
    const store = new CheckpointStore<{ x: number }>(dir);
    store.save({ x: 1 }); // slot b (generation 1)
    store.save({ x: 2 }); // slot a (generation 2)
    const a = join(dir, 'checkpoint-a.json');
    const text = readFileSync(a, 'utf8');
    writeFileSync(a, text.slice(0, text.length / 2)); // torn write
    const warnings: string[] = [];
    expect(new CheckpointStore<{ x: number }>(dir).load((w) => warnings.push(w))).toEqual({ x: 1 });
    expect(warnings[0]).toMatch(/checkpoint-a\.json is unusable \(not valid JSON/);
    // a flipped byte inside the payload: the checksum catches it
    writeFileSync(a, text.replace('"x":2', '"x":7'));
    expect(new CheckpointStore<{ x: number }>(dir).load()).toEqual({ x: 1 });
  });

  it('fails closed, with a clear message, when every slot is damaged or empty', () => {
    const dir = fresh();
    const store = new CheckpointStore<{ x: number }>(dir);
    store.save({ x: 1 });
    store.save({ x: 2 });
    writeFileSync(join(dir, 'checkpoint-a.json'), '');
    writeFileSync(join(dir, 'checkpoint-b.json'), '{"format":"something else"}');
    expect(() => new CheckpointStore<{ x: number }>(dir).load()).toThrow(/no valid checkpoint .* refusing to start over/);
  });

  it('saving after a fallback overwrites the damaged slot, not the good one', () => {
    const dir = fresh();
    const store = new CheckpointStore<{ x: number }>(dir);
    store.save({ x: 1 });
    store.save({ x: 2 });
    writeFileSync(join(dir, 'checkpoint-a.json'), 'garbage');
    const again = new CheckpointStore<{ x: number }>(dir);
    expect(again.load()).toEqual({ x: 1 });
    again.save({ x: 3 });
    writeFileSync(join(dir, 'checkpoint-a.json'), 'garbage again');
    expect(new CheckpointStore<{ x: number }>(dir).load()).toEqual({ x: 1 });
  });
});
