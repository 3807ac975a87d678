import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { XentError } from '../errors.js';

/**
 * Two alternating checkpoint slots in a state directory. A write goes to a temp file, is
 * fsynced, renamed over the older slot and the directory is fsynced; each slot carries a
 * generation number and a SHA-256 of its payload. A torn or half-renamed write can only
 * damage the slot being written, so the other one is always a valid fallback, and a load
 * picks the newest slot whose checksum holds.
 */
export interface CheckpointEnvelope<T> {
  format: 'xent-watch-checkpoint';
  generation: number;
  sha256: string;
  payload: T;
}

const SLOTS = ['checkpoint-a.json', 'checkpoint-b.json'] as const;

/** Points where a test can make a write fail, to prove the other slot survives. */
export type CheckpointFault = 'after-temp-write' | 'after-rename';

export class CheckpointStore<T> {
  private generation = 0;

  constructor(
    readonly dir: string,
    private readonly fault?: (point: CheckpointFault) => void,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * The newest valid checkpoint, or undefined when there is none at all. Damaged slots are
   * reported through `warn`; when slots exist but none is valid, this fails closed with a
   * message instead of silently starting over (which would count everything twice).
   */
  load(warn: (message: string) => void = () => undefined): T | undefined {
    const valid: CheckpointEnvelope<T>[] = [];
    let present = 0;
    for (const slot of SLOTS) {
      const path = join(this.dir, slot);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      present++;
      const problem = validate<T>(text);
      if (typeof problem === 'string') warn(`checkpoint ${path} is unusable (${problem}); using the other slot`);
      else valid.push(problem);
    }
    if (valid.length === 0) {
      if (present > 0) {
        throw new XentError(
          'INVALID_STATE',
          `no valid checkpoint in ${this.dir} (every slot is damaged): refusing to start over and count everything twice. ` +
            'Move the directory away to start from scratch.',
        );
      }
      return undefined;
    }
    valid.sort((a, b) => b.generation - a.generation);
    const newest = valid[0] as CheckpointEnvelope<T>;
    this.generation = newest.generation;
    return newest.payload;
  }

  save(payload: T): void {
    const generation = this.generation + 1;
    const body = JSON.stringify(payload);
    const envelope = `{"format":"xent-watch-checkpoint","generation":${generation},"sha256":"${sha256(body)}","payload":${body}}\n`;
    // Generation g goes to slot g mod 2, so the previous generation's slot is never touched.
    const slot = join(this.dir, SLOTS[generation % 2] as string);
    const temp = `${slot}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      writeSync(fd, envelope);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.fault?.('after-temp-write');
    renameSync(temp, slot);
    this.fault?.('after-rename');
    fsyncDirectory(this.dir);
    this.generation = generation;
  }
}

function validate<T>(text: string): CheckpointEnvelope<T> | string {
  if (text.trim() === '') return 'empty';
  let envelope: CheckpointEnvelope<T>;
  try {
    envelope = JSON.parse(text) as CheckpointEnvelope<T>;
  } catch {
    return 'not valid JSON: a torn write';
  }
  if (envelope === null || envelope.format !== 'xent-watch-checkpoint' || typeof envelope.generation !== 'number') {
    return 'not an xent checkpoint';
  }
  // The checksum covers the payload exactly as it was serialised.
  const start = text.indexOf('"payload":') + '"payload":'.length;
  const end = text.lastIndexOf('}');
  if (sha256(text.slice(start, end)) !== envelope.sha256) return 'checksum mismatch';
  return envelope;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
