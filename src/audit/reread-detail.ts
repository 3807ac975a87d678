import { open, stat, type FileHandle } from 'node:fs/promises';
import { XentError } from '../errors.js';
import type { FormatAdapter } from '../formats/adapter.js';
import type { RecordOutcome } from '../formats/record-outcome.js';
import type { ScoredItem, Segment, TokenBatch } from '../formats/scored-batch.js';
import { sentinelIndex } from '../math/sentinels.js';
import { DEFAULT_MAX_LINE_BYTES } from '../records/line-framer.js';
import { LineScorer } from '../records/line-scorer.js';
import type { AuditGroup } from './audit-group.js';
import { addToFingerprint, type DetailSpan, type DetailSpans, type Fingerprint } from './detail-spans.js';
import { LineReader } from './line-reader.js';
import { identityChange, type FileIdentity } from './rereadable-input.js';
import type { SequenceScores, TokenDetail } from './sequence-scores.js';
import { TaggingAdapter } from './tagging-adapter.js';
import { tokenDetail } from './token-detail.js';

/** An input whose kept sequences' lines are read again: its path, and what it was when the first pass began. */
export interface RereadInput {
  path: string;
  identity: FileIdentity;
}

export interface RereadOptions {
  forced?: FormatAdapter;
  detailTokens: number;
  segment: Segment | 'all';
  sentinels: 'include' | 'exclude';
  maxLineBytes?: number;
}

/** A kept sequence whose heat-map is being rebuilt from its spans. */
interface Pending {
  scores: SequenceScores;
  spans: DetailSpans;
  /** Spans applied so far (they come back in order: lines by offset, a line's records by element). */
  next: number;
  detail: TokenDetail[];
}

/**
 * The audit's second pass: the heat-map detail of every sequence kept in a top-K heap (worst and
 * best, of the corpus and of each group) whose input the first pass read without token texts
 * (see DetailSpans). Only those lines are read, by byte offset, each once, in file order, through
 * the full path with detail (the path a one-pass audit takes for every line), so the detail is
 * the one-pass audit's, token for token. Each re-read record must give the sequence the tokens
 * the first pass counted (count and sum); when it does not, or the file was replaced, shrank or
 * rewritten in place, the audit fails with INPUT_READ_FAILED rather than show another file's text.
 */
export async function rereadDetail(groups: readonly AuditGroup[], inputs: ReadonlyMap<number, RereadInput>, options: RereadOptions): Promise<void> {
  const pending: Pending[] = [];
  const seen = new Set<SequenceScores>();
  for (const group of groups) {
    for (const scores of [...group.worst.sorted(), ...group.best.sorted()]) {
      const spans = group.spansOf(scores);
      if (spans === undefined || seen.has(scores)) continue;
      seen.add(scores);
      pending.push({ scores, spans, next: 0, detail: [] });
    }
  }
  // input → line offset → the spans to apply from that line, in the order they were asked for.
  const byInput = new Map<number, Map<number, { pending: Pending; span: DetailSpan }[]>>();
  for (const p of pending) {
    let lines = byInput.get(p.spans.input);
    if (lines === undefined) byInput.set(p.spans.input, (lines = new Map()));
    for (const span of p.spans.spans) {
      let wanted = lines.get(span.offset);
      if (wanted === undefined) lines.set(span.offset, (wanted = []));
      wanted.push({ pending: p, span });
    }
  }
  const tagger = new TaggingAdapter({ forced: options.forced, detail: 'all' });
  for (const [index, lines] of [...byInput].sort((a, b) => a[0] - b[0])) {
    const input = inputs.get(index);
    if (input === undefined) throw new Error(`input ${index} was read for the heat-map but not kept for a second pass`);
    await checkIdentity(input);
    const file = await openForReread(input.path);
    const reader = new LineReader(file);
    try {
      for (const [offset, wanted] of [...lines].sort((a, b) => a[0] - b[0])) {
        const first = (wanted[0] as (typeof wanted)[number]).span;
        const outcomes = await readRecordsAt(reader, input.path, offset, first.line, tagger, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
        for (const outcome of outcomes) {
          if (outcome.kind !== 'scored') continue;
          for (const { pending: p, span } of wanted) {
            if (span.element !== outcome.origin.element) continue;
            if (p.spans.spans[p.next] !== span) throw changed(input.path, span, p.scores.id);
            apply(p, span, outcome.items, options, input.path);
          }
        }
      }
    } finally {
      await file.close();
    }
  }
  for (const p of pending) {
    const missing = p.spans.spans[p.next];
    if (missing !== undefined) throw changed(p.scores.file, missing, p.scores.id);
    p.scores.detail = p.detail;
  }
}

/** Adds the tokens one re-read record gives a sequence, once they are shown to be those the first pass counted. */
function apply(p: Pending, span: DetailSpan, items: readonly ScoredItem[], options: RereadOptions, path: string): void {
  const batches: TokenBatch[] = [];
  for (const item of items) {
    if (item.kind !== 'tokens' || item.sequenceId !== p.scores.id) continue;
    if (options.segment !== 'all' && item.segment !== options.segment) continue;
    batches.push(item);
  }
  const exclude = options.sentinels === 'exclude';
  const fingerprint: Fingerprint = { tokens: 0, sum: 0 };
  for (const batch of batches) addToFingerprint(fingerprint, batch.logprobs, exclude);
  if (fingerprint.tokens !== span.tokens || !Object.is(fingerprint.sum, span.sum)) throw changed(path, span, p.scores.id);
  for (const batch of batches) {
    const logprobs = batch.logprobs;
    for (let i = 0; i < logprobs.length && p.detail.length < options.detailTokens; i++) {
      const x = logprobs[i] as number;
      if (exclude && x <= -100 && sentinelIndex(x) >= 0) continue;
      p.detail.push(tokenDetail(batch, i));
    }
  }
  p.next++;
}

/**
 * The records of the line at `offset` (whose number is `line`), scored as the full path scores
 * them: the line's bytes up to its newline (or the end of the file) are framed from that offset,
 * so CRLF, a BOM at offset 0 and an over-long line are handled as in the first pass.
 */
async function readRecordsAt(lines: LineReader, path: string, offset: number, line: number, adapter: FormatAdapter, maxLineBytes: number): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  const scorer = new LineScorer(path, (outcome) => outcomes.push(outcome), { adapter, fastPath: false, maxLineBytes, startOffset: offset, startLine: line });
  // Past the longest line (and its CRLF) the framer calls it over-long, which no kept record was.
  scorer.push(await lines.lineAt(offset, maxLineBytes + 2));
  scorer.finish();
  return outcomes;
}

async function checkIdentity(input: RereadInput): Promise<void> {
  let why: string | undefined;
  try {
    const info = await stat(input.path);
    why = identityChange(input.identity, { dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs });
  } catch (error) {
    why = `it cannot be read any more (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (why !== undefined) {
    throw new XentError('INPUT_READ_FAILED', `${input.path} changed during the audit: ${why}; the heat-map reads its worst and best sequences again, so audit a file that is not being rewritten`, { file: input.path });
  }
}

async function openForReread(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw new XentError('INPUT_READ_FAILED', `${path}: cannot read it again for the heat-map (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path, cause: error });
  }
}

function changed(path: string, span: DetailSpan, id: string): XentError {
  return new XentError(
    'INPUT_READ_FAILED',
    `${path} changed during the audit: line ${span.line} (byte ${span.offset}) no longer holds the tokens of sequence ${JSON.stringify(id)} that the first pass read; the heat-map reads its worst and best sequences again, so audit a file that is not being rewritten`,
    { file: path, line: span.line, offset: span.offset },
  );
}
