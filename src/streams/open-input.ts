import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { XentError } from '../errors.js';
import { parseJsonLenient } from '../records/lenient-json.js';

/** How an input's bytes hold records. */
export type Framing = 'lines' | 'json-array' | 'json-value';

export interface OpenedInput {
  /** Decompressed bytes, positioned at the start. */
  stream: Readable;
  framing: Framing;
  gzip: boolean;
}

export interface OpenInputOptions {
  /** 'auto' (default) decides by file name and content. */
  framing?: Framing | 'auto';
  /** Used for stdin ('-'). */
  stdin?: Readable;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Opens a path (or '-' for stdin) as a byte stream: gzip is recognised by its magic bytes (so it
 * works on stdin and whatever the name), and a `.json` file — or content whose first line is not
 * a complete JSON value but opens an array or object, as pretty-printed JSON does — is read as
 * one streamed JSON document instead of lines.
 */
export async function openInput(path: string, options: OpenInputOptions = {}): Promise<OpenedInput> {
  let raw: Readable;
  if (path === '-') {
    raw = options.stdin ?? process.stdin;
  } else {
    try {
      const info = await stat(path);
      if (info.isDirectory()) throw new XentError('INPUT_NOT_FOUND', `${path} is a directory`, { file: path });
    } catch (error) {
      if (error instanceof XentError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new XentError(
        code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_READ_FAILED',
        code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (error as Error).message})`,
        { file: path, cause: error },
      );
    }
    raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  }
  let stream = raw;
  let head = await peek(stream, path);
  const gzip = head !== null && head.length >= 2 && head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1;
  if (gzip) {
    // zlib loads only for a gzip input: its start-up is ~7 ms of a small plain file's run (measured, node --cpu-prof).
    const { createGunzip } = await import('node:zlib');
    const gunzip = createGunzip();
    raw.on('error', (error) => gunzip.destroy(error));
    raw.pipe(gunzip);
    stream = gunzip;
    head = await peek(stream, path);
  }
  const framing = options.framing === undefined || options.framing === 'auto' ? sniffFraming(path, head) : options.framing;
  if (framing !== 'lines' && head !== null && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    // stream-json does not skip a BOM; the line framer does, and needs true offsets, so strip only here.
    stream.read(3);
  }
  return { stream, framing, gzip };
}

/** Reads the first buffered chunk and puts it back, so the caller can look before it reads. */
function peek(stream: Readable, path: string): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onReadable = (): void => {
      done();
      const chunk = stream.read() as Buffer | null;
      if (chunk !== null) stream.unshift(chunk);
      resolve(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(null);
    };
    const onError = (error: Error): void => {
      done();
      reject(
        new XentError('INPUT_READ_FAILED', `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? error.message})`, {
          file: path,
          cause: error,
        }),
      );
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function sniffFraming(path: string, head: Buffer | null): Framing {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  const byName = name.endsWith('.json');
  if (head === null) return 'lines';
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  const first = head[i];
  const opener = first === 0x5b ? 'json-array' : first === 0x7b ? 'json-value' : undefined;
  if (opener === undefined) return 'lines';
  // A document when its first line is not a whole JSON value (pretty-printed JSON), or when a
  // .json file's first line does not even fit in the first chunk (minified, possibly huge).
  const nl = head.indexOf(0x0a, i);
  if (nl === -1) return byName ? opener : 'lines';
  try {
    parseJsonLenient(head.toString('utf8', i, nl));
    return 'lines';
  } catch {
    return opener;
  }
}
