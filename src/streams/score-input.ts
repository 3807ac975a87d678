import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import streamArray from 'stream-json/streamers/stream-array.js';
import streamValues from 'stream-json/streamers/stream-values.js';
import type { FormatAdapter } from '../formats/adapter.js';
import { BatchDecoder } from './batch-decoder.js';
import { DocumentRecords } from './document-records.js';
import { LineSplitter } from './line-splitter.js';
import { openInput, type Framing } from './open-input.js';
import { RecordDecoder } from './record-decoder.js';
import type { RecordOutcome } from './record-types.js';

export interface ScoreInputOptions {
  /** Force one format instead of detecting per record. */
  adapter?: FormatAdapter;
  framing?: Framing | 'auto';
  maxLineBytes?: number;
  stdin?: Readable;
}

export interface ScoredInput {
  framing: Framing;
  gzip: boolean;
}

/**
 * One input (a path, or '-' for stdin) through the whole pipeline:
 * bytes → lines → records → scored batches → `sink`, with backpressure from the sink back to the
 * file. A document that stops being valid JSON part-way gives one bad record saying where; the
 * records before it still count.
 */
export async function scoreInput(
  path: string,
  sink: (outcome: RecordOutcome) => void,
  options: ScoreInputOptions = {},
): Promise<ScoredInput> {
  const opened = await openInput(path, { framing: options.framing ?? 'auto', stdin: options.stdin });
  const name = path === '-' ? '<stdin>' : path;
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
  if (opened.framing === 'lines') {
    await pipeline(
      opened.stream,
      new LineSplitter({ maxLineBytes: options.maxLineBytes }),
      new RecordDecoder(name),
      decoder,
      consumer,
    );
  } else {
    const records = new DocumentRecords(name);
    const parse = opened.framing === 'json-array' ? streamArray.withParserAsStream() : streamValues.withParserAsStream();
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
  }
  return { framing: opened.framing, gzip: opened.gzip };
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
