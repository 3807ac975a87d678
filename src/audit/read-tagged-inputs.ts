import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import type { BadRecord, RecordOrigin } from '../aggregate/corpus-accumulator.js';
import type { ScoredItem } from '../formats/scored-batch.js';
import type { Framing } from '../streams/open-input.js';
import { scoreInput } from '../streams/score-input.js';
import type { RecordTags, TaggingAdapter } from './tagging-adapter.js';

export interface InputStatus {
  file: string;
  status: 'ok' | 'failed';
  error?: string;
}

export interface TaggedSink {
  record(items: readonly ScoredItem[], origin: RecordOrigin, input: number, tags: RecordTags): void;
  bad(bad: BadRecord, raw: string | undefined): void;
  /** The input ended (or failed): its open sequences end with it. */
  inputEnd(input: number): void;
}

/**
 * Streams input files through the engine's scoreInput, `concurrency` at a time (default 1, in
 * input order; more interleave their records), with the tagging adapter (or one per input, by
 * its index), into one sink (shared by audit and compare). A file that cannot be read is marked
 * failed; what was read of it still counts.
 */
export async function readTaggedInputs(
  files: readonly string[],
  tagger: TaggingAdapter | ((input: number) => TaggingAdapter),
  sink: TaggedSink,
  options: { concurrency?: number; framing?: Framing | 'auto'; maxLineBytes?: number; stdin?: Readable; fastPath?: boolean },
): Promise<InputStatus[]> {
  const inputs: InputStatus[] = files.map((f) => ({ file: f === '-' ? '<stdin>' : f, status: 'ok' }));
  const limit = pLimit(options.concurrency ?? 1);
  await Promise.all(
    files.map((file, index) =>
      limit(async () => {
        const adapter = typeof tagger === 'function' ? tagger(index) : tagger;
        try {
          await scoreInput(
            file,
            (outcome) => {
              if (outcome.kind === 'scored') sink.record(outcome.items, outcome.origin, index, adapter.tagsOf(outcome.items));
              else sink.bad(outcome.bad, outcome.raw);
            },
            { adapter, framing: options.framing, maxLineBytes: options.maxLineBytes, stdin: options.stdin, fastPath: options.fastPath },
          );
        } catch (error) {
          const input = inputs[index] as InputStatus;
          input.status = 'failed';
          input.error = error instanceof Error ? error.message : String(error);
        }
        sink.inputEnd(index);
      }),
    ),
  );
  return inputs;
}
