import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { XentError } from '../errors.js';
import { decodeState, encodeState } from './state-envelope.js';
import type { ReportState } from './report-state.js';

/** Writes a state file (gzip when the name ends in .gz) through a temp file, so a crash never leaves half a state under the name. */
export async function writeStateFile(path: string, state: ReportState): Promise<void> {
  const text = encodeState(state);
  const temp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temp, path.endsWith('.gz') ? gzipSync(text) : text);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    // Name the file the user gave, not the temp file beside it.
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new XentError('OUTPUT_WRITE_FAILED', `${path}: cannot write the state file (${code})`, { file: path, cause: error });
  }
}

/** Reads a state file; anything unusable is an INVALID_STATE error naming the file and what is wrong. */
export async function readStateFile(path: string): Promise<ReportState> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new XentError('INPUT_NOT_FOUND', `${path}: cannot read the state file (${code})`, { file: path, cause: error });
  }
  return parseStateBytes(bytes, path);
}

/** A state from bytes (gzip detected by its magic number, whatever the name): used for files and for states kept in JetStream. */
export function parseStateBytes(bytes: Uint8Array, name: string): ReportState {
  let text: string;
  try {
    text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : Buffer.from(bytes)).toString('utf8');
  } catch (error) {
    throw new XentError('INVALID_STATE', `${name}: not a usable state file: its gzip data is damaged or truncated (${(error as Error).message})`, { file: name, cause: error });
  }
  const state = decodeState(text);
  if (typeof state === 'string') throw new XentError('INVALID_STATE', `${name}: not a usable state file: ${state}`, { file: name });
  return state;
}
