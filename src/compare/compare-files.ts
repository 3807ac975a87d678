import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BadRecord } from '../aggregate/corpus-accumulator.js';
import { parsePath } from '../audit/dotted-path.js';
import { readTaggedInputs } from '../audit/read-tagged-inputs.js';
import { TaggingAdapter } from '../audit/tagging-adapter.js';
import { BoundedHeap } from '../audit/bounded-heap.js';
import { XentError } from '../errors.js';
import type { FormatName } from '../formats/adapter.js';
import type { Segment } from '../formats/scored-batch.js';
import { adapterByName } from '../formats/registry.js';
import { ExactSum } from '../math/exact-sum.js';
import { PairedBootstrap } from '../math/paired-bootstrap.js';
import { XENT_VERSION } from '../version.js';
import { expandInputs } from '../streams/expand-inputs.js';
import type { Framing } from '../streams/open-input.js';
import type { ChangedSequence, CompareReport, CompareSide } from './compare-report.js';
import { PartitionWriter, readPartition } from './hash-partitions.js';
import { KlComparison } from './kl-comparison.js';
import { RecordPartitionReader, RecordPartitionWriter } from './record-partitions.js';
import { RowTaggingAdapter } from './row-tagging-adapter.js';
import { SequenceCollector, type SequenceSummary } from './sequence-collector.js';
import { decodeSequenceHeader, decodeSequenceRecord, encodeSequenceRecord } from './sequence-record.js';

export interface CompareOptions {
  format?: FormatName | 'auto';
  segment?: Segment | 'all';
  sentinels?: 'include' | 'exclude';
  /** Dotted path into each record whose value identifies the prompt on both sides. */
  key?: string;
  /** Most-changed sequences listed. */
  top?: number;
  replicates?: number;
  seed?: number;
  /** Hash partitions on disk; memory holds about 1/partitions of side A's summaries. */
  partitions?: number;
  /** Where the partition files go (a fresh directory inside it, removed afterwards). */
  tmpDir?: string;
  /** Files of a side read at once (default 1: above it, which of a repeated id's records is compared, and the bootstrap, depend on timing). */
  concurrency?: number;
  maxLineBytes?: number;
  framing?: Framing | 'auto';
  stdin?: Readable;
  /** Let the fast path read the records it can use (default true; the same comparison either way). */
  fastPath?: boolean;
  onBadRecord?: (side: 'a' | 'b', bad: BadRecord, raw: string | undefined) => void;
  /**
   * Also compare the two sides' distributions position by position (A the reference P, B the candidate Q): KL(P ‖ Q),
   * same top-1, Δp of the next token (`kl` and `kl_…` in the report). Rows go through the partitions as binary records.
   */
  kl?: boolean;
}

const EXAMPLES = 20;
/** Difference bins for the page: 0.25 nats wide from −5 to 5, open at both ends. */
const DIFF_EDGES = Array.from({ length: 41 }, (_, i) => -5 + i * 0.25);

/**
 * Compares two dumps of the same prompts, matched by sequence id (or --key), in bounded memory:
 * each side is streamed once into hash partitions on disk (a Grace hash join), then partition by
 * partition side A is loaded into a Map and side B streamed past it. Memory: one partition of A,
 * the partition write buffers, a top-K heap and the bootstrap's replicate sums. With `kl`, each
 * sequence's rows go through the partitions too (binary records) and only side A's index of
 * offsets is kept, with one record of each side (see joinRecords).
 */
export async function compareFiles(a: readonly string[], b: readonly string[], options: CompareOptions = {}): Promise<CompareReport> {
  const top = options.top ?? 10;
  const partitions = options.partitions ?? 64;
  let key: string[] | undefined;
  let bootstrap: PairedBootstrap;
  try {
    key = options.key === undefined ? undefined : parsePath(options.key, '--key');
    bootstrap = new PairedBootstrap(options.replicates ?? 1000, options.seed ?? 1);
    if (!Number.isInteger(top) || top < 0) throw new RangeError(`Expected \`top\` to be an integer from 0 and up, got ${top}`);
    if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`Expected \`partitions\` to be an integer from 1 and up, got ${partitions}`);
  } catch (error) {
    throw new XentError('INVALID_OPTION', (error as Error).message, { cause: error });
  }
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'xent-compare-'));
  try {
    const sideA = await spill('a', a, dir, partitions, key, options);
    const sideB = await spill('b', b, dir, partitions, key, options);
    const diff = new ExactSum();
    const sumA = new ExactSum();
    const sumB = new ExactSum();
    const heap = new BoundedHeap<ChangedSequence>(top);
    const counts = new Array<number>(DIFF_EDGES.length + 1).fill(0);
    let matched = 0;
    let wins = 0;
    let losses = 0;
    let ties = 0;
    const pair = (x: SequenceSummary, s: SequenceSummary): void => {
      matched++;
      const d = s.cross_entropy - x.cross_entropy;
      diff.add(d);
      sumA.add(x.cross_entropy);
      sumB.add(s.cross_entropy);
      bootstrap.add(d);
      if (d < 0) wins++;
      else if (d > 0) losses++;
      else ties++;
      const bin = DIFF_EDGES.findIndex((e) => d < e);
      const i = bin === -1 ? DIFF_EDGES.length : bin;
      counts[i] = (counts[i] as number) + 1;
      if (heap.admits(Math.abs(d))) {
        const changed: ChangedSequence = {
          id: s.id,
          cross_entropy_a: x.cross_entropy,
          cross_entropy_b: s.cross_entropy,
          difference: d,
          tokens_a: x.tokens,
          tokens_b: s.tokens,
          file_a: x.file,
          file_b: s.file,
        };
        if (x.line !== undefined) changed.line_a = x.line;
        if (s.line !== undefined) changed.line_b = s.line;
        heap.offer(changed, Math.abs(d));
      }
    };
    const kl = options.kl === true ? new KlComparison(top) : undefined;
    for (let p = 0; p < partitions; p++) {
      if (kl === undefined) await joinSummaries(dir, p, sideA.side, sideB.side, pair);
      else {
        await joinRecords(dir, p, sideA.side, sideB.side, (x, s) => {
          pair(x, s);
          kl.add(x, s);
        });
      }
    }
    return {
      xent_version: XENT_VERSION,
      key: options.key ?? null,
      a: sideA.side,
      b: sideB.side,
      matched,
      mean_cross_entropy_a: matched > 0 ? sumA.value() / matched : Number.NaN,
      mean_cross_entropy_b: matched > 0 ? sumB.value() / matched : Number.NaN,
      mean_difference: matched > 0 ? diff.value() / matched : Number.NaN,
      ci95: bootstrap.interval(0.95),
      bootstrap: { replicates: bootstrap.replicates, seed: bootstrap.seed },
      win_rate: matched > 0 ? (wins + ties / 2) / matched : Number.NaN,
      wins,
      losses,
      ties,
      most_changed: heap.sorted(),
      differences_histogram: { edges: DIFF_EDGES.slice(), counts },
      ...kl?.report(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One partition of the plain join: side A's summaries in a Map, side B's streamed past it. */
async function joinSummaries(dir: string, p: number, a: CompareSide, b: CompareSide, pair: (x: SequenceSummary, s: SequenceSummary) => void): Promise<void> {
  const left = new Map<string, SequenceSummary>();
  for await (const s of readPartition<SequenceSummary>(dir, 'a', p)) {
    if (left.has(s.id)) a.duplicate_ids++;
    else left.set(s.id, s);
  }
  const seenB = new Set<string>();
  for await (const s of readPartition<SequenceSummary>(dir, 'b', p)) {
    if (seenB.has(s.id)) {
      b.duplicate_ids++;
      continue;
    }
    seenB.add(s.id);
    const x = left.get(s.id);
    if (x === undefined) {
      note(b.only_here, s.id);
      continue;
    }
    left.delete(s.id);
    pair(x, s);
  }
  for (const id of left.keys()) note(a.only_here, id);
}

type WithRows = ReturnType<typeof decodeSequenceRecord>;

/**
 * One partition of the --kl join, in the same order as the plain one: side A indexed by id (byte offsets, from the
 * headers), side B's records read one by one, and each match's A record read back from its offset. Memory: the index
 * and one record of each side.
 */
async function joinRecords(dir: string, p: number, a: CompareSide, b: CompareSide, pair: (x: WithRows, s: WithRows) => void): Promise<void> {
  const readerA = await RecordPartitionReader.open(dir, 'a', p);
  const readerB = await RecordPartitionReader.open(dir, 'b', p);
  try {
    const left = new Map<string, number>();
    for await (const { offset, header } of readerA.headers()) {
      const { id } = decodeSequenceHeader(header);
      if (left.has(id)) a.duplicate_ids++;
      else left.set(id, offset);
    }
    const seenB = new Set<string>();
    for await (const record of readerB.records()) {
      // The header is enough until the id has a match: its rows are decoded only then.
      const { id } = decodeSequenceHeader(record);
      if (seenB.has(id)) {
        b.duplicate_ids++;
        continue;
      }
      seenB.add(id);
      const offset = left.get(id);
      if (offset === undefined) {
        note(b.only_here, id);
        continue;
      }
      left.delete(id);
      const x = await readerA.at(offset);
      if (x === undefined) throw new Error(`side A's record of ${JSON.stringify(id)} is missing from its partition`);
      pair(decodeSequenceRecord(x), decodeSequenceRecord(record));
    }
    for (const id of left.keys()) note(a.only_here, id);
  } finally {
    await readerA.close();
    await readerB.close();
  }
}

function note(only: { count: number; examples: string[] }, id: string): void {
  only.count++;
  if (only.examples.length < EXAMPLES) only.examples.push(id);
}

/** Streams one side's inputs into its partition files; returns what was counted on the way. */
async function spill(
  name: 'a' | 'b',
  paths: readonly string[],
  dir: string,
  partitions: number,
  key: string[] | undefined,
  options: CompareOptions,
): Promise<{ side: CompareSide }> {
  const files = await expandInputs(paths);
  if (files.length === 0) throw new XentError('INPUT_NOT_FOUND', `no input files found in ${paths.join(', ') || '(none given)'}`);
  const forced = options.format === undefined || options.format === 'auto' ? undefined : adapterByName(options.format);
  const kl = options.kl === true;
  const tagger = kl ? new RowTaggingAdapter({ forced, key }) : new TaggingAdapter({ forced, key });
  const writer = kl ? new RecordPartitionWriter(dir, name, partitions) : new PartitionWriter(dir, name, partitions);
  const side: CompareSide = {
    inputs: [],
    sequences: 0,
    duplicate_ids: 0,
    keyless_records: 0,
    empty_sequences: 0,
    bad_records: { count: 0, examples: [] },
    only_here: { count: 0, examples: [] },
  };
  const collector = new SequenceCollector(
    { segment: options.segment ?? 'all', sentinels: options.sentinels ?? 'include', keyed: key !== undefined, rows: kl },
    (s) => {
      side.sequences++;
      if (writer instanceof RecordPartitionWriter) writer.write(s.id, encodeSequenceRecord(s));
      else writer.write(s.id, s);
    },
  );
  try {
    side.inputs = await readTaggedInputs(
      files,
      tagger,
      {
        record: (items, origin, input, tags) => collector.add(items, origin, input, tags),
        bad: (bad, raw) => {
          side.bad_records.count++;
          if (side.bad_records.examples.length < EXAMPLES) side.bad_records.examples.push(bad);
          options.onBadRecord?.(name, bad, raw);
        },
        inputEnd: (input) => collector.finishInput(input),
      },
      options,
    );
  } finally {
    writer.close();
  }
  side.keyless_records = collector.keyless;
  side.empty_sequences = collector.empty;
  return { side };
}
