import type { Writable } from 'node:stream';

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/**
 * A reader that went away (`xent report … | head`) is not an error: stop writing and exit 0
 * quietly instead of dying with an EPIPE stack trace.
 */
export function exitQuietlyOnBrokenPipe(stream: Writable & { fd?: number }): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw error;
  });
}

/** One self-overwriting status line on a terminal's stderr; nothing at all in a pipe. */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled = stream.isTTY === true,
  ) {}

  /**
   * Shows `text()` if the line is on and was not redrawn in the last 100 ms. The text is made
   * only then: callers run this per record, and number formatting is not free (the first
   * toLocaleString loads ICU's data, about 30 ms, measured).
   */
  update(text: () => string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    this.stream.write(`\r\u001b[2K${text()}`);
  }

  clear(): void {
    if (this.enabled && this.shown) this.stream.write('\r\u001b[2K');
    this.shown = false;
  }
}
