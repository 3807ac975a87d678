import { READ_AHEAD_BYTES } from '../streams/read-ahead.js';

/**
 * Bytes per read for each of `threads` workers. A worker's peak RSS follows its read size (its two
 * read buffers, the lines framed from them and the garbage they leave before the next scavenge):
 * over 1 GB flat, four threads peaked at 137 MB reading 1 MB at a time, 123 MB at 512 KB and 114 MB
 * at 256 KB (64 KB saved little more and cost time). But on the OpenAI chat shape (~80 KB a line,
 * so a quarter of them cut by a 256 KB read) two threads took 0.85 s over 300 MB against 0.79 s
 * with 1 MB reads (medians of 6, alternating; measured, issue 13). So up to two threads keep the
 * main thread's 1 MB, which keeps them under 128 MB anyway, and more read 256 KB.
 */
export function unitReadBytes(threads: number): number {
  return threads <= 2 ? READ_AHEAD_BYTES : 256 * 1024;
}
