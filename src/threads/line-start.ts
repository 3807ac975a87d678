import type { FileHandle } from 'node:fs/promises';

const BLOCK = 64 * 1024;

/**
 * The first line start at or after `offset` in a file of `size` bytes: the byte after the first
 * LF at or after offset − 1 (so offset itself when the byte before it is an LF), or `size` when
 * no line starts there. Reads only as far as that LF.
 */
export async function lineStartAt(file: FileHandle, offset: number, size: number): Promise<number> {
  if (offset <= 0) return 0;
  const block = Buffer.allocUnsafe(BLOCK);
  let position = offset - 1;
  while (position < size) {
    const { bytesRead } = await file.read(block, 0, Math.min(BLOCK, size - position), position);
    if (bytesRead === 0) break;
    const lf = block.subarray(0, bytesRead).indexOf(0x0a);
    if (lf >= 0) return position + lf + 1;
    position += bytesRead;
  }
  return size;
}
