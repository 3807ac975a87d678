import { RecordError } from '../errors.js';
import { logSoftmaxEntropy, probabilityEntropy } from '../math/log-sum-exp.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import type { ScoredItem } from './scored-batch.js';
import { describe, TokenBatchBuilder } from './token-batch-builder.js';
import { isRecord, segmentField, sequenceIdField } from './record-fields.js';

/** How far a probability row's plain sum may be from 1. */
const SUM_TOLERANCE = 1e-6;

/**
 * xent's full-distribution lines, one sequence each:
 *
 *   {"id", "logits": [[...vocab], ...], "targets": [t0, t1, ...], "segment"?}
 *   {"id", "probs":  [[...vocab], ...], "targets": [t0, t1, ...], "segment"?}
 *
 * logits: target logprob = logits[i][t] − logSumExp(logits[i]) (max-shifted, so ±1e4 neither
 *   overflows nor vanishes), exact entropy of the row's softmax.
 * probs: every entry in [0, 1], the row's sum within 1e-6 of 1 (nothing is renormalised);
 *   target logprob = ln p[t] (p = 0 → −Infinity), entropy via log2 for bits (dyadic rows exact).
 * Targets must be integers indexing the row. Full distributions carry exact entropy (setEntropy),
 * not a top-k. Rows are read in place (vocabularies of 50k+): no per-element allocation.
 * One final batch per line; `id` missing or "" → context.fallbackId.
 */
export const xentDistributionAdapter: FormatAdapter = {
  name: 'xent-distribution',
  description: 'xent full-distribution lines: {"id", "logits" | "probs": [[...], ...], "targets": [...]} with exact entropy',

  detect(record: unknown): boolean {
    return isRecord(record) && Array.isArray(record.targets) && (Array.isArray(record.logits) || Array.isArray(record.probs));
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an xent distribution must be an object, got ${describe(record)}`);
    const targets = record.targets;
    if (!Array.isArray(targets)) throw new RecordError('INVALID_RECORD', `targets is ${describe(targets)}, not an array`);
    const hasLogits = record.logits != null;
    const hasProbs = record.probs != null;
    if (hasLogits === hasProbs) {
      throw new RecordError('INVALID_RECORD', hasLogits ? 'the record has both logits and probs; give one' : 'the record has neither logits nor probs');
    }
    const key = hasLogits ? 'logits' : 'probs';
    const rows = record[key];
    if (!Array.isArray(rows)) throw new RecordError('INVALID_RECORD', `${key} is ${describe(rows)}, not an array of rows`);
    if (rows.length !== targets.length) {
      throw new RecordError('INVALID_RECORD', `${key} has ${rows.length} rows but targets has ${targets.length}`);
    }

    const builder = new TokenBatchBuilder(sequenceIdField(record.id, 'id', context.fallbackId), segmentField(record.segment), rows.length, key);
    for (let i = 0; i < rows.length; i++) {
      const row: unknown = rows[i];
      if (!Array.isArray(row)) throw new RecordError('INVALID_RECORD', `${key}[${i}] is ${describe(row)}, not an array`);
      const target = targetOf(targets[i], i, row.length, key);
      if (hasLogits) {
        for (let j = 0; j < row.length; j++) {
          const x: unknown = row[j];
          if (typeof x !== 'number' || !Number.isFinite(x)) {
            throw new RecordError('INVALID_RECORD', `logits[${i}][${j}] is ${describe(x)}, not a finite number`);
          }
        }
        const numbers = row as number[];
        const { lse, nats, bits } = logSoftmaxEntropy(numbers);
        builder.add((numbers[target] as number) - lse);
        builder.setEntropy(nats, bits);
      } else {
        let sum = 0;
        for (let j = 0; j < row.length; j++) {
          const p: unknown = row[j];
          if (typeof p !== 'number' || Number.isNaN(p) || p < 0 || p > 1) {
            throw new RecordError('INVALID_RECORD', `probs[${i}][${j}] is ${describe(p)}, not a probability in [0, 1]`);
          }
          sum += p;
        }
        if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
          throw new RecordError('INVALID_RECORD', `probs[${i}] sums to ${sum}, not 1 (tolerance ${SUM_TOLERANCE})`);
        }
        const numbers = row as number[];
        const { nats, bits } = probabilityEntropy(numbers);
        builder.add(Math.log(numbers[target] as number));
        builder.setEntropy(nats, bits);
      }
    }
    return [builder.build(true)];
  },
};

function targetOf(value: unknown, i: number, size: number, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new RecordError('INVALID_RECORD', `targets[${i}] is ${describe(value)}, not an integer index`);
  }
  if (value < 0 || value >= size) {
    throw new RecordError('INVALID_RECORD', `targets[${i}] is ${value}, outside ${key}[${i}] (${size} entries)`);
  }
  return value;
}

