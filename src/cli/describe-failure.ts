import { XentError } from '../errors.js';
import { EXIT } from './exit-codes.js';

/** Exit code and message for an error that stopped the run before a report existed. */
export function describeFailure(error: unknown): { code: number; message: string } {
  if (error instanceof XentError) {
    // Bad options or pipeline: usage (1). Inputs, outputs or a state directory that cannot be used: 2.
    const code =
      error.code === 'INVALID_OPTION' || error.code === 'INVALID_PIPELINE'
        ? EXIT.USAGE
        : error.code === 'BROKER_UNAVAILABLE'
          ? EXIT.UNAVAILABLE
          : EXIT.INPUT;
    return { code, message: `xent: ${error.message}` };
  }
  // A path xent was told to use (a state directory, an output file) that the system refuses is
  // the user's to fix, not a bug: one line naming the path, exit 2, no stack trace.
  const sys = error as NodeJS.ErrnoException;
  if (typeof sys?.code === 'string' && typeof sys.syscall === 'string') {
    const path = sys.path === undefined ? '' : ` ${sys.path}`;
    return { code: EXIT.INPUT, message: `xent: cannot ${sys.syscall}${path}: ${sys.code} (${sys.message.split(',')[0]?.replace(/^[A-Z]+: /, '')})` };
  }
  const e = error as Error;
  return { code: EXIT.INTERNAL, message: `xent: internal error: ${e?.stack ?? String(error)}` };
}
