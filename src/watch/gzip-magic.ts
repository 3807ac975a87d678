import { open, type FileHandle } from 'node:fs/promises';

/**
 * Whether a file is gzip (its first two bytes are 1f 8b), 'unknown' while it is too short to
 * tell. `xent watch` follows text logs: a rotated log compressed next to the live one
 * (`app.jsonl.1.gz`) is skipped, never read as lines (its bytes are no records, and its lines were
 * read from the file before it was compressed).
 */
export async function gzipMagic(path: string): Promise<boolean | 'unknown'> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle === undefined) return false;
  try {
    return await gzipMagicOf(handle);
  } finally {
    await handle.close();
  }
}

/** The same, through an open handle (a file renamed or unlinked since it was opened). */
export async function gzipMagicOf(handle: FileHandle): Promise<boolean | 'unknown'> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  if (bytesRead === 0 || head[0] !== 0x1f) return bytesRead === 0 ? 'unknown' : false;
  if (bytesRead < 2) return 'unknown';
  return head[1] === 0x8b;
}
