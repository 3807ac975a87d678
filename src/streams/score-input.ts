import { Writable, type Readable } from 'node:stream';
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
    try {
      await pipeline(opened.stream, parse, records, decoder, consumer);
    } catch (error) {
      if (!isJsonSyntaxError(error)) throw error;
      sink({
        kind: 'bad',
        bad: {
          file: name,
          element: records.elementsRead,
          code: 'INVALID_JSON',
          reason: `invalid JSON document after element ${records.elementsRead}: ${(error as Error).message}; the rest of the file was not read`,
        },
      });
    }
  }
  return { framing: opened.framing, gzip: opened.gzip };
}

/** stream-json's parser reports bad syntax with plain Errors whose message starts with "Parser". */
function isJsonSyntaxError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Parser ');
}
