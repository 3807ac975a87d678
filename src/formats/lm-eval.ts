import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import type { LoglikelihoodPair, ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';
import { isRecord } from './record-fields.js';

const METRICS = ['word_perplexity', 'byte_perplexity', 'bits_per_byte'] as const;
type Metric = (typeof METRICS)[number];

/**
 * lm-evaluation-harness `--log_samples` lines (`samples_<task>_<date>.jsonl`), one per (document, filter).
 *
 * What the file holds (lm_eval/evaluator.py builds each line as
 * `{doc_id, doc, target, arguments, resps, filtered_resps, filter, metrics, doc_hash, prompt_hash,
 * target_hash}` and then `example.update(metrics)`, i.e. every per-document value that
 * `Task.process_results` returned; lm_eval/loggers/evaluation_tracker.py `save_results_samples`
 * then passes resps / filtered_resps / target through `sanitize_list`/`str` — which is why their
 * leaves are strings since 2024 and numbers in older files — and dumps the rest with
 * `json.dumps(default=handle_non_serializable)`).
 *
 * For `loglikelihood_rolling` tasks (wikitext, pile, …) `process_results` returns
 *   word_perplexity: (loglikelihood, words), byte_perplexity: (loglikelihood, bytes), bits_per_byte: (loglikelihood, bytes)
 * — Python tuples, written as JSON arrays `[ll, n]`. They are plain numbers in every file we know of;
 * a value json cannot serialise (e.g. a numpy float32) would be written by handle_non_serializable
 * as `str(value)`, so numeric strings ("-123.5", "-inf", "42") are accepted too.
 * Each present metric becomes one LoglikelihoodPair; the accumulator aggregates as lm-eval does
 * (lm_eval/api/metrics.py: weighted_perplexity = exp(-Σll/Σn), bits_per_byte = -Σll/Σbytes/ln 2).
 *
 * Lines of other tasks (e.g. `acc` from loglikelihood / multiple_choice requests, or generation
 * tasks) are recognised but give nothing: their resps are the loglikelihoods of answer choices,
 * without token or byte counts, and are no cross-entropy of a text — scoring them would invent a
 * metric lm-eval does not report. (`perplexity` of lambada-style tasks is exp(-mean ll) over
 * documents, not a per-token quantity either.)
 *
 * Sequence id: `doc_id` as a string, `${task}/${doc_id}` when the line names its task (lm-eval
 * itself puts the task only in the file name).
 */
export const lmEvalAdapter: FormatAdapter = {
  name: 'lm-eval',
  description: 'lm-evaluation-harness --log_samples lines (loglikelihood_rolling: word_perplexity, byte_perplexity, bits_per_byte pairs)',

  detect(record: unknown): boolean {
    return (
      isRecord(record) &&
      'doc_id' in record &&
      ('resps' in record || 'filtered_resps' in record || 'doc_hash' in record)
    );
  },

  decode(record: unknown, _context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an lm-eval sample must be an object, got ${describe(record)}`);
    if (!METRICS.some((m) => m in record)) return [];

    const docId = record.doc_id;
    if (!(typeof docId === 'string' && docId !== '') && !(typeof docId === 'number' && Number.isFinite(docId))) {
      throw new RecordError('INVALID_RECORD', `doc_id is ${describe(docId)}, not a number or a non-empty string`);
    }
    const task = typeof record.task === 'string' && record.task !== '' ? record.task : undefined;
    const sequenceId = task === undefined ? String(docId) : `${task}/${String(docId)}`;

    const items: LoglikelihoodPair[] = [];
    for (const metric of METRICS) {
      if (!(metric in record)) continue;
      items.push(pair(record[metric], metric, sequenceId));
    }
    return items;
  },
};

function pair(value: unknown, metric: Metric, sequenceId: string): LoglikelihoodPair {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new RecordError('INVALID_RECORD', `${metric} is ${describe(value)}${Array.isArray(value) ? ` of length ${value.length}` : ''}, not a [loglikelihood, count] pair`);
  }
  const loglikelihood = numeric(value[0], `${metric}[0]`);
  if (Number.isNaN(loglikelihood)) throw new RecordError('INVALID_LOGPROB', `${metric}[0] (the loglikelihood) is NaN`);
  if (loglikelihood > 0) {
    throw new RecordError('INVALID_LOGPROB', `${metric}[0] (the loglikelihood) is ${loglikelihood}, positive: a log-probability cannot exceed 0`);
  }
  const count = numeric(value[1], `${metric}[1]`);
  if (!Number.isInteger(count) || count < 0) {
    throw new RecordError('INVALID_RECORD', `${metric}[1] (the ${metric === 'word_perplexity' ? 'word' : 'byte'} count) is ${describe(value[1])}, not a non-negative integer`);
  }
  return { kind: 'loglikelihood', sequenceId, metric, loglikelihood, count };
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A JSON number, or the string Python's str() gives for a float/int ("-12.5", "1e-05", "-inf", "nan"). */
function numeric(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const s = value.trim();
    if (DECIMAL.test(s)) return Number(s);
    const lower = s.toLowerCase();
    if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
    if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Number.POSITIVE_INFINITY;
    if (lower === 'nan') return Number.NaN;
  }
  throw new RecordError('INVALID_RECORD', `${where} is ${describe(value)}, not a number or a numeric string`);
}

