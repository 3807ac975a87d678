import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Bytes hashed at the start of a file, and just before its committed offset. */
export const HEAD_BYTES = 1024;
export const MARKER_BYTES = 256;

/**
 * What tells two files — or one file before and after a rotation — apart beyond device and
 * inode (which are reused after a delete): a hash of the file's head and a marker hash of the
 * bytes just before the committed offset. Both only cover bytes already folded in, so a file
 * that still matches both holds exactly the content that was counted, up to the offset.
 */
export interface FileFingerprint {
  headLength: number;
  head: string;
  marker: string;
}

export async function fingerprint(handle: FileHandle, offset: number): Promise<FileFingerprint> {
  const headLength = Math.min(HEAD_BYTES, offset);
  const markerStart = offset - Math.min(MARKER_BYTES, offset);
  return {
    headLength,
    head: await hashRange(handle, 0, headLength),
    marker: await hashRange(handle, markerStart, offset),
  };
}

/** True when the file (now `size` bytes) still holds, up to `offset`, the bytes `print` was taken from. */
export async function stillHolds(handle: FileHandle, size: number, offset: number, print: FileFingerprint): Promise<boolean> {
  if (size < offset) return false;
  const now = await fingerprint(handle, offset);
  return now.head === print.head && now.marker === print.marker && now.headLength === print.headLength;
}

/** Reads [start, end) of a file (fewer bytes if it is shorter). */
export async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const length = end - start;
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await handle.read(buffer, read, length - read, start + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return buffer.subarray(0, read);
}

export function hashBytes(bytes: Buffer): string {
  return createHash('sha1').update(bytes).update(`:${bytes.length}`).digest('hex');
}

async function hashRange(handle: FileHandle, start: number, end: number): Promise<string> {
  return hashBytes(await readRange(handle, start, end));
}
