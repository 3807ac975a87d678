import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { XentError } from '../errors.js';

/** Writes text to a file (whole, then closed), or to `stdout` for undefined or '-'. */
export async function writeOutput(path: string | undefined, text: string, stdout: NodeJS.WritableStream): Promise<void> {
  if (path === undefined || path === '-') {
    stdout.write(text);
    return;
  }
  const file = createWriteStream(path);
  try {
    await once(file, 'open');
  } catch (error) {
    throw new XentError('INPUT_READ_FAILED', `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  file.end(text);
  await once(file, 'close');
}

/** An append-only NDJSON file for dead letters; `close` waits until every line is on disk. */
export async function openDeadLetters(path: string): Promise<{ write(line: unknown): void; close(): Promise<void> }> {
  const file = createWriteStream(path, { flags: 'a' });
  try {
    await once(file, 'open');
  } catch (error) {
    throw new XentError('INPUT_READ_FAILED', `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  return {
    write: (line) => {
      file.write(`${JSON.stringify(line)}\n`);
    },
    close: async () => {
      file.end();
      await once(file, 'close');
    },
  };
}
