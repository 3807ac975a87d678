import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { XentError } from '../errors.js';

/** What an audit or a comparison can be written as. */
export type DocumentType = 'text' | 'json' | 'markdown' | 'html';

export interface DocumentOutput {
  type: DocumentType;
  /** A file; undefined or '-' for stdout. */
  path?: string;
}

/** The outputs that audit's and compare's `--json`/`--markdown`, `-o FILE` and `--html FILE` ask for: the report, then the page. */
export function commandOutputs(options: { json?: boolean; markdown?: boolean; out?: string; html?: string }): DocumentOutput[] {
  const outputs: DocumentOutput[] = [{ type: options.json === true ? 'json' : options.markdown === true ? 'markdown' : 'text', path: options.out }];
  if (options.html !== undefined) outputs.push({ type: 'html', path: options.html });
  return outputs;
}

/**
 * Writes one rendering per output, in order. `render` is told whether its text goes to stdout
 * (the only place colour may go).
 */
export async function writeOutputs(
  outputs: readonly DocumentOutput[],
  render: (type: DocumentType, toStdout: boolean) => string,
  stdout: NodeJS.WritableStream,
): Promise<void> {
  for (const o of outputs) await writeOutput(o.path, render(o.type, (o.path ?? '-') === '-'), stdout);
}

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
export async function openDeadLetters(path: string): Promise<{ write(line: string): void; close(): Promise<void> }> {
  const file = createWriteStream(path, { flags: 'a' });
  try {
    await once(file, 'open');
  } catch (error) {
    throw new XentError('INPUT_READ_FAILED', `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  return {
    write: (line) => {
      file.write(line);
    },
    close: async () => {
      file.end();
      await once(file, 'close');
    },
  };
}
