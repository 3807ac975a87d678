import type { ComparedView } from './position-views.js';
import type { SequenceSummary } from './sequence-collector.js';

/**
 * One sequence with its per-position rows as one binary record of a `compare --kl` partition file. Binary, not NDJSON,
 * because the rows are most of it: a 128k-vocabulary row is 1 MB of doubles but about 2.5 MB of JSON, parsing JSON
 * numbers is the slow part of reading it back, and JSON writes ±Infinity and NaN as null. Every number (NLL, the next
 * token's logprob, row values, listed logprobs) is a double in the machine's byte order (written and read through a
 * Float64Array), so it comes back bit for bit; the files are temporary and never leave the machine that wrote them.
 *
 *   u32 header bytes H · u32 0 · f64 payload doubles M · header (UTF-8 JSON, padded with spaces to a multiple of 8) ·
 *   M doubles: nll, cross_entropy, then per position the next token's logprob (NaN: unknown), then per position
 *   its full row or listed logprobs (`widths` of them)
 *
 * The header holds the id, where the sequence starts, and per position its form (`f` logits, `p` probs, `l` a listing,
 * `-` nothing), width and, for listings, the tokens' texts, and the next token's text per position where known (`next`,
 * null where not; absent when no position has one).
 */
export interface SequenceHeader {
  id: string;
  tokens: number;
  file: string;
  line?: number;
  forms: string;
  widths: number[];
  texts: string[][];
  next?: (string | null)[];
}

export const PREFIX_BYTES = 16;

export function encodeSequenceRecord(s: SequenceSummary): Buffer {
  const positions = s.positions ?? [];
  const n = positions.length;
  let forms = '';
  const widths: number[] = [];
  const texts: string[][] = [];
  let doubles = 2 + n;
  for (const v of positions) {
    if (v.full !== undefined) {
      forms += v.full.kind === 'logits' ? 'f' : 'p';
      widths.push(v.full.values.length);
      doubles += v.full.values.length;
    } else if (v.listed !== undefined) {
      forms += 'l';
      widths.push(v.listed.logprobs.length);
      texts.push(Array.from(v.listed.tokens, String));
      doubles += v.listed.logprobs.length;
    } else {
      forms += '-';
      widths.push(0);
    }
  }
  const header: SequenceHeader = { id: s.id, tokens: s.tokens, file: s.file, forms, widths, texts };
  if (s.line !== undefined) header.line = s.line;
  if (positions.some((v) => v.token !== undefined)) header.next = positions.map((v) => v.token ?? null);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = Math.ceil(json.length / 8) * 8;
  // Its own ArrayBuffer, so the payload starts 8-aligned and is written through a Float64Array view.
  const out = Buffer.from(new ArrayBuffer(PREFIX_BYTES + padded + doubles * 8)).fill(0x20);
  out.writeUInt32LE(json.length, 0);
  out.writeUInt32LE(0, 4);
  out.writeDoubleLE(doubles, 8);
  json.copy(out, PREFIX_BYTES);
  const payload = doublesOf(out, PREFIX_BYTES + padded, doubles);
  payload[0] = s.nll;
  payload[1] = s.cross_entropy;
  let at = 2;
  for (const v of positions) payload[at++] = v.nextLogprob ?? Number.NaN;
  for (const v of positions) {
    const values = v.full?.values ?? v.listed?.logprobs;
    if (values === undefined) continue;
    if (Array.isArray(values) || values instanceof Float64Array) payload.set(values as ArrayLike<number>, at);
    else for (let j = 0; j < values.length; j++) payload[at + j] = values[j] as number;
    at += values.length;
  }
  return out;
}

/** The record's total length from its first PREFIX_BYTES bytes, and where its header ends. */
export function recordLength(prefix: Buffer): { headerBytes: number; total: number } {
  const headerBytes = prefix.readUInt32LE(0);
  const doubles = prefix.readDoubleLE(8);
  return { headerBytes, total: PREFIX_BYTES + Math.ceil(headerBytes / 8) * 8 + doubles * 8 };
}

export function decodeSequenceHeader(record: Buffer): SequenceHeader {
  const headerBytes = record.readUInt32LE(0);
  return JSON.parse(record.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerBytes)) as SequenceHeader;
}

/** The whole sequence back, its rows as views into one Float64Array (copied once out of the read buffer). */
export function decodeSequenceRecord(record: Buffer): SequenceSummary & { positions: ComparedView[] } {
  const header = decodeSequenceHeader(record);
  const doubles = doublesOf(record, PREFIX_BYTES + Math.ceil(record.readUInt32LE(0) / 8) * 8, record.readDoubleLE(8));
  const n = header.forms.length;
  const positions = new Array<ComparedView>(n);
  let at = 2 + n;
  let listing = 0;
  for (let i = 0; i < n; i++) {
    const next = doubles[2 + i] as number;
    const width = header.widths[i] as number;
    const values = doubles.subarray(at, at + width);
    at += width;
    const form = header.forms[i];
    const view: ComparedView = form === 'f' || form === 'p' ? { full: { kind: form === 'f' ? 'logits' : 'probs', values } } : {};
    if (form === 'l') view.listed = { tokens: header.texts[listing++] as string[], logprobs: values };
    if (!Number.isNaN(next)) view.nextLogprob = next;
    const token = header.next?.[i];
    if (typeof token === 'string') view.token = token;
    positions[i] = view;
  }
  const summary: SequenceSummary & { positions: ComparedView[] } = {
    id: header.id,
    tokens: header.tokens,
    nll: doubles[0] as number,
    cross_entropy: doubles[1] as number,
    file: header.file,
    positions,
  };
  if (header.line !== undefined) summary.line = header.line;
  return summary;
}

/** A Float64Array over `count` doubles of `buffer` from byte `start`: a view when aligned (Buffer.alloc's are), else a copy. */
function doublesOf(buffer: Buffer, start: number, count: number): Float64Array {
  const offset = buffer.byteOffset + start;
  if (offset % 8 === 0) return new Float64Array(buffer.buffer, offset, count);
  const copy = new Float64Array(count);
  new Uint8Array(copy.buffer).set(buffer.subarray(start, start + count * 8));
  return copy;
}
