import { RecordError } from '../errors.js';
import { logSoftmaxEntropy, probabilityEntropy } from '../math/log-sum-exp.js';
import { softCrossEntropy } from '../math/soft-cross-entropy.js';
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
 *
 * Soft targets: instead of `targets`, a full target distribution per position,
 *   {"id", "logits" | "probs": [[...]], "target_probs" | "target_logits": [[...]]}
 * Each position then scores −H(P_t, Q_t) as its logprob (so nll = Σ_t H(P_t, Q_t)) and carries
 * H(P_t) as its entropy (so mean_entropy is the target's and cross_entropy − mean_entropy the
 * mean KL). Target rows must match the model rows in number and length; target_probs obey the
 * same [0, 1] and sum-to-1 checks as probs.
 */
export const xentDistributionAdapter: FormatAdapter = {
  name: 'xent-distribution',
  description: 'xent full-distribution lines: {"id", "logits" | "probs": [[...], ...], "targets": [...]} with exact entropy',

  detect(record: unknown): boolean {
    return (
      isRecord(record) &&
      (Array.isArray(record.targets) || Array.isArray(record.target_probs) || Array.isArray(record.target_logits)) &&
      (Array.isArray(record.logits) || Array.isArray(record.probs))
    );
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an xent distribution must be an object, got ${describe(record)}`);
    if (record.target_probs != null || record.target_logits != null) return [decodeSoft(record, context)];
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
        checkLogits(row, `logits[${i}]`);
        const numbers = row as number[];
        const { lse, nats, bits } = logSoftmaxEntropy(numbers);
        builder.add((numbers[target] as number) - lse);
        builder.setEntropy(nats, bits);
      } else {
        checkProbs(row, `probs[${i}]`);
        const numbers = row as number[];
        const { nats, bits } = probabilityEntropy(numbers);
        builder.add(Math.log(numbers[target] as number));
        builder.setEntropy(nats, bits);
      }
    }
    return [withRows(builder.build(true), context, hasLogits ? 'logits' : 'probs', rows as number[][], false)];
  },
};

/** The rows themselves for `xent compare --kl` (DecodeContext.rows): already checked, kept by reference. */
function withRows(batch: ScoredItem, context: DecodeContext, kind: 'logits' | 'probs', rows: number[][], softTargets: boolean): ScoredItem {
  if (context.rows === true && batch.kind === 'tokens') batch.distribution = { kind, rows, softTargets };
  return batch;
}

function targetOf(value: unknown, i: number, size: number, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new RecordError('INVALID_RECORD', `targets[${i}] is ${describe(value)}, not an integer index`);
  }
  if (value < 0 || value >= size) {
    throw new RecordError('INVALID_RECORD', `targets[${i}] is ${value}, outside ${key}[${i}] (${size} entries)`);
  }
  return value;
}


/** A record with soft targets: H(P_t, Q_t) per position (see the adapter's comment). */
function decodeSoft(record: Record<string, unknown>, context: DecodeContext): ScoredItem {
  if (record.targets != null) throw new RecordError('INVALID_RECORD', 'the record has both targets and a target distribution; give one');
  const model = rowsOf(record, 'logits', 'probs');
  const target = rowsOf(record, 'target_logits', 'target_probs');
  if (target.rows.length !== model.rows.length) {
    throw new RecordError('INVALID_RECORD', `${target.key} has ${target.rows.length} rows but ${model.key} has ${model.rows.length}`);
  }
  const builder = new TokenBatchBuilder(sequenceIdField(record.id, 'id', context.fallbackId), segmentField(record.segment), model.rows.length, model.key);
  for (let i = 0; i < model.rows.length; i++) {
    const q = checkedRow(model.rows[i], model.key, i);
    const p = checkedRow(target.rows[i], target.key, i);
    if (p.length !== q.length) {
      throw new RecordError('INVALID_RECORD', `${target.key}[${i}] has ${p.length} entries but ${model.key}[${i}] has ${q.length}`);
    }
    const h = softCrossEntropy({ kind: target.kind, values: p }, { kind: model.kind, values: q });
    builder.add(-h.crossEntropy);
    builder.setEntropy(h.entropy, h.entropy / Math.LN2);
  }
  return withRows(builder.build(true), context, model.kind, model.rows as number[][], true);
}

function rowsOf(record: Record<string, unknown>, logitsKey: string, probsKey: string): { key: string; kind: 'logits' | 'probs'; rows: unknown[] } {
  const hasLogits = record[logitsKey] != null;
  if (hasLogits === (record[probsKey] != null)) {
    throw new RecordError('INVALID_RECORD', hasLogits ? `the record has both ${logitsKey} and ${probsKey}; give one` : `the record has neither ${logitsKey} nor ${probsKey}`);
  }
  const key = hasLogits ? logitsKey : probsKey;
  const rows = record[key];
  if (!Array.isArray(rows)) throw new RecordError('INVALID_RECORD', `${key} is ${describe(rows)}, not an array of rows`);
  return { key, kind: hasLogits ? 'logits' : 'probs', rows };
}

function checkedRow(row: unknown, key: string, i: number): number[] {
  if (!Array.isArray(row)) throw new RecordError('INVALID_RECORD', `${key}[${i}] is ${describe(row)}, not an array`);
  if (key.endsWith('logits')) checkLogits(row, `${key}[${i}]`);
  else checkProbs(row, `${key}[${i}]`);
  return row as number[];
}

function checkLogits(row: unknown[], where: string): void {
  for (let j = 0; j < row.length; j++) {
    const x: unknown = row[j];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new RecordError('INVALID_RECORD', `${where}[${j}] is ${describe(x)}, not a finite number`);
    }
  }
}

/** Every entry in [0, 1] and the plain sum within SUM_TOLERANCE of 1; nothing is renormalised. */
function checkProbs(row: unknown[], where: string): void {
  let sum = 0;
  for (let j = 0; j < row.length; j++) {
    const p: unknown = row[j];
    if (typeof p !== 'number' || Number.isNaN(p) || p < 0 || p > 1) {
      throw new RecordError('INVALID_RECORD', `${where}[${j}] is ${describe(p)}, not a probability in [0, 1]`);
    }
    sum += p;
  }
  if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
    throw new RecordError('INVALID_RECORD', `${where} sums to ${sum}, not 1 (tolerance ${SUM_TOLERANCE})`);
  }
}
