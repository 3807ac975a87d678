import { stat } from 'node:fs/promises';
import { Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LineScorer } from '../records/line-scorer.js';
import { readAhead } from './read-ahead.js';
import type { FormatAdapter } from '../formats/adapter.js';
import type { LineFramerOptions } from '../records/line-framer.js';
import { BatchDecoder } from './batch-decoder.js';
import { DocumentRecords } from './document-records.js';
import { openInput, type Framing } from './open-input.js';
import type { RecordOutcome } from '../formats/record-outcome.js';

export interface ScoreInputOptions {
  /** Force one format instead of detecting per record. */
  adapter?: FormatAdapter;
  framing?: Framing | 'auto';
  maxLineBytes?: number;
  stdin?: Readable;
  /**
   * Read OpenAI chat and xent-sequence lines straight from their bytes (default true). The
   * results are the same either way, to the last bit; `false` is for checking that.
   */
  fastPath?: boolean;
  /** Bytes per read of a plain file (default READ_AHEAD_BYTES); worker threads read smaller pieces to stay small. */
  readBytes?: number;
}

export interface ScoredInput {
  framing: Framing;
  gzip: boolean;
}

/**
 * One input (a path, or '-' for stdin) through the whole pipeline:
 * bytes → lines → records → scored batches → `sink`, with backpressure from the sink back to the
 * file. A document that stops being valid JSON part-way gives one bad record saying where; the
 * records before it still count. JSON lines go through scoreLines (the records engine), where the
 * fast path reads the OpenAI chat and xent-sequence lines it can straight from their bytes (same
 * outcomes, to the bit); with `fastPath: false`, or a forced adapter other than those two, every
 * line takes the full path. JSON documents go through stream-json → DocumentRecords → BatchDecoder.
 */
export async function scoreInput(
  path: string,
  sink: (outcome: RecordOutcome) => void,
  options: ScoreInputOptions = {},
): Promise<ScoredInput> {
  const opened = await openInput(path, { framing: options.framing ?? 'auto', stdin: options.stdin });
  const name = path === '-' ? '<stdin>' : path;
  if (opened.framing === 'lines') {
    // A plain file is read again by readAhead (reads overlapping the parsing); the stream
    // openInput made to look at its first bytes is dropped.
    const plain = path !== '-' && !opened.gzip && (await stat(path)).isFile();
    if (plain) opened.stream.destroy();
    await scoreLines(plain ? { path, start: 0 } : opened.stream, name, sink, options);
    return { framing: opened.framing, gzip: opened.gzip };
  }
  const consumer = new Writable({
    objectMode: true,
    highWaterMark: 64,
    write(outcome: RecordOutcome, _encoding, callback) {
      try {
        sink(outcome);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  const decoder = new BatchDecoder(options.adapter);
  const records = new DocumentRecords(name);
  // Loaded here, not at the top: most inputs are JSON lines, and every run pays for imports.
  const parse =
    opened.framing === 'json-array'
      ? (await import('stream-json/streamers/stream-array.js')).default.withParserAsStream()
      : (await import('stream-json/streamers/stream-values.js')).default.withParserAsStream();
  // The parser is piped by hand, not inside one pipeline: a syntax error part-way must end the
  // records stream normally, so the elements already parsed still reach the sink.
  const downstream = pipeline(records, decoder, consumer);
  parse.pipe(records);
  let syntaxError: Error | undefined;
  try {
    await pipeline(opened.stream, new ChunkSlicer(DOCUMENT_SLICE_BYTES), parse);
  } catch (error) {
    parse.unpipe(records);
    if (!isJsonSyntaxError(error)) {
      records.destroy(error as Error);
      await downstream.catch(() => undefined);
      throw error;
    }
    syntaxError = error as Error;
    records.end();
  }
  await downstream;
  if (syntaxError !== undefined) {
    sink({
      kind: 'bad',
      bad: {
        file: name,
        element: records.elementsRead,
        code: 'INVALID_JSON',
        reason: `invalid JSON document after element ${records.elementsRead}: ${syntaxError.message}; the rest of the input was not read`,
      },
    });
  }
  return { framing: opened.framing, gzip: opened.gzip };
}

/** Bytes [start, end) of a regular file (to its end when `end` is undefined). */
export interface FileRange {
  path: string;
  start: number;
  end?: number;
}

/**
 * JSON lines from a stream, or from a range of a file that starts on a line (with that line's
 * offset and number in `options`), to `sink`, the fast path reading the lines it can. Returns the
 * number of the next line (one past the last line read).
 */
export async function scoreLines(
  source: Readable | FileRange,
  name: string,
  sink: (outcome: RecordOutcome) => void,
  options: ScoreInputOptions & Pick<LineFramerOptions, 'startOffset' | 'startLine'> = {},
): Promise<number> {
  const scorer = new LineScorer(name, sink, {
    adapter: options.adapter,
    fastPath: options.fastPath,
    maxLineBytes: options.maxLineBytes,
    startOffset: options.startOffset,
    startLine: options.startLine,
  });
  if (source instanceof Readable) {
    for await (const chunk of source) scorer.push(chunk as Buffer);
  } else {
    await readAhead(source.path, source.start, source.end, (chunk) => scorer.push(chunk), options.readBytes);
  }
  scorer.finish();
  return scorer.nextLine;
}

/**
 * stream-json parses each written chunk as a unit, and a syntax error drops whatever that chunk
 * had produced. Feeding it small slices bounds what a broken document loses before the break
 * to one slice.
 */
const DOCUMENT_SLICE_BYTES = 1024;

class ChunkSlicer extends Transform {
  constructor(private readonly size: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    for (let i = 0; i < chunk.length; i += this.size) this.push(chunk.subarray(i, i + this.size));
    callback();
  }
}

/** stream-json's parser reports bad syntax with plain Errors whose message starts with "Parser". */
function isJsonSyntaxError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Parser ');
}
