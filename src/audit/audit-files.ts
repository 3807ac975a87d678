import type { Readable } from 'node:stream';
import type { BadRecord } from '../aggregate/corpus-accumulator.js';
import { XentError } from '../errors.js';
import type { FormatName } from '../formats/adapter.js';
import { adapterByName } from '../formats/registry.js';
import { expandInputs } from '../streams/expand-inputs.js';
import type { Framing } from '../streams/open-input.js';
import { AuditAccumulator } from './audit-accumulator.js';
import { auditOptions, type AuditOptions } from './audit-options.js';
import { buildAuditReport, type AuditReport } from './audit-report.js';
import { parsePath } from './dotted-path.js';
import { readTaggedInputs } from './read-tagged-inputs.js';
import { rereadableInput } from './rereadable-input.js';
import { rereadDetail, type RereadInput } from './reread-detail.js';
import { TaggingAdapter } from './tagging-adapter.js';

export interface AuditFilesOptions extends Partial<AuditOptions> {
  format?: FormatName | 'auto';
  /** Dotted path into each record whose value names its group. */
  groupBy?: string;
  /** Files read at once (default 1: above it their records interleave, and the audit's order-dependent parts vary from run to run). */
  concurrency?: number;
  maxLineBytes?: number;
  framing?: Framing | 'auto';
  stdin?: Readable;
  /**
   * Let the fast path read the records it can use (default true; the same audit either way). With
   * a heat-map, false also keeps plain files in one pass, every record decoded with detail.
   */
  fastPath?: boolean;
  onBadRecord?: (bad: BadRecord, raw: string | undefined) => void;
  onProgress?: (progress: { records: number; filesDone: number; files: number }) => void;
}

/**
 * Audits files (or directories, or '-') in one streaming pass: each input goes through the
 * engine's own scoreInput (`concurrency` at a time) into one AuditAccumulator. Memory is bounded
 * by the accumulator (heaps, sketches, fixed bins, open sequences), never by the input size.
 * With a heat-map (`detailTokens` > 0), plain files get a short second pass that reads again
 * only the lines of the sequences kept (see rereadDetail): the same report, byte for byte.
 */
export async function auditFiles(paths: readonly string[], options: AuditFilesOptions = {}): Promise<AuditReport> {
  let audit: AuditOptions;
  let groupBy: string[] | undefined;
  try {
    audit = auditOptions(options);
    groupBy = options.groupBy === undefined ? undefined : parsePath(options.groupBy, '--group-by');
  } catch (error) {
    throw new XentError('INVALID_OPTION', (error as Error).message, { cause: error });
  }
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new XentError('INVALID_OPTION', `Expected \`concurrency\` to be an integer from 1 and up, got ${concurrency}`);
  }
  const forced = options.format === undefined || options.format === 'auto' ? undefined : adapterByName(options.format);
  const files = await expandInputs(paths);
  if (files.length === 0) throw new XentError('INPUT_NOT_FOUND', `no input files found in ${paths.join(', ') || '(none given)'}`);
  // The heat-map wants every token's text and alternatives, but only for the sequences it shows:
  // on inputs that can be read again by byte range, the first pass keeps where the kept sequences'
  // lines are and takes the fast path, and a second pass reads those lines alone (rereadDetail).
  // Elsewhere (stdin, gzip, JSON documents, or with `fastPath: false`) every record is decoded
  // with detail as it goes. The top-k check wants alternatives only of records that list some.
  const rereads = new Map<number, RereadInput>();
  if (audit.detailTokens > 0 && options.fastPath !== false) {
    for (const [index, path] of files.entries()) {
      const identity = await rereadableInput(path, options.framing);
      if (identity !== undefined) rereads.set(index, { path, identity });
    }
  }
  const lean = new TaggingAdapter({ forced, groupBy, detail: 'alternatives' });
  const detailed = audit.detailTokens > 0 ? new TaggingAdapter({ forced, groupBy, detail: 'all' }) : lean;
  const accumulator = new AuditAccumulator(audit, groupBy !== undefined, new Set(rereads.keys()));
  let records = 0;
  let filesDone = 0;
  const inputs = await readTaggedInputs(
    files,
    (input) => (rereads.has(input) ? lean : detailed),
    {
      record: (items, origin, input, tags) => {
        accumulator.add(items, origin, input, tags);
        options.onProgress?.({ records: ++records, filesDone, files: files.length });
      },
      bad: (bad, raw) => {
        accumulator.addBadRecord(bad);
        options.onBadRecord?.(bad, raw);
        options.onProgress?.({ records: ++records, filesDone, files: files.length });
      },
      inputEnd: (input) => {
        accumulator.finishInput(input);
        filesDone++;
      },
    },
    options,
  );
  if (rereads.size > 0) {
    const groups = [accumulator.overall, ...accumulator.groupList().map((g) => g.audit)];
    await rereadDetail(groups, rereads, { forced, detailTokens: audit.detailTokens, segment: audit.segment, sentinels: audit.sentinels, maxLineBytes: options.maxLineBytes });
  }
  return buildAuditReport(accumulator, inputs);
}
