/** A mistake in how xent was called: exit code 1, a one-line message, no stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * yargs drops a lone '-' positional (yargs/yargs#1312, yargs-parser#381, open), so the bin swaps
 * it for this token before parsing and the commands swap it back.
 */
export const STDIN_TOKEN = '\u0000stdin';

export function restoreStdin(paths: readonly string[]): string[] {
  return paths.map((p) => (p === STDIN_TOKEN ? '-' : p));
}
