import { open, stat } from 'node:fs/promises';
import { openInput, type Framing } from '../streams/open-input.js';

/** What a file was when the first pass began: the second pass checks it has not been rewritten since. */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/**
 * The identity of an input whose lines can be read again by byte range (a regular file of JSON
 * lines, not gzip), or undefined for any other (stdin, gzip, a JSON document, a file that cannot
 * be opened: the first pass reports that one as it always has). Looks at the file as the first
 * pass will, through openInput, and closes it again.
 */
export async function rereadableInput(path: string, framing: Framing | 'auto' = 'auto'): Promise<FileIdentity | undefined> {
  if (path === '-') return undefined;
  try {
    const info = await stat(path);
    if (!info.isFile() || (await isGzip(path))) return undefined;
    // Not gzip, so the stream is the file's own, and destroying it closes the file.
    const opened = await openInput(path, { framing });
    opened.stream.destroy();
    if (opened.framing !== 'lines') return undefined;
    return { dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return undefined;
  }
}

/**
 * Why a file is no longer the one the first pass read, or undefined when it may still be: the
 * same file, the same size and modification time, or only grown (lines appended to a log keep
 * the lines before them, and each re-read line is checked against its fingerprint anyway).
 */
export function identityChange(before: FileIdentity, now: FileIdentity): string | undefined {
  if (now.dev !== before.dev || now.ino !== before.ino) return 'it was replaced by another file';
  if (now.size < before.size) return `it shrank from ${before.size} to ${now.size} bytes`;
  if (now.size === before.size && now.mtimeMs !== before.mtimeMs) return 'it was rewritten (same size, new modification time)';
  return undefined;
}

/** gzip's magic bytes, as openInput recognises them. */
async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await file.close();
  }
}
