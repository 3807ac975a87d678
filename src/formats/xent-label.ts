import { RecordError } from '../errors.js';
import type { DecodeContext, FormatAdapter } from './adapter.js';
import type { ScoredItem } from './scored-batch.js';
import { describe } from './token-batch-builder.js';
import { isRecord, sequenceIdField } from './record-fields.js';

/** np.finfo(np.float64).eps, the clip scikit-learn applies for float64 predictions. */
const EPS = 2.220446049250313e-16;

/**
 * xent's labelled-prediction lines, scored as scikit-learn's `log_loss` scores them:
 *
 *   {"id"?, "label": 0 | 1 | true | false, "prob": P(label = 1)}   binary, like a 1-D y_pred
 *   {"id"?, "label": k, "probs": [p0, p1, …]}                       label indexes probs
 *
 * Semantics follow sklearn/metrics/_classification.py (`log_loss` and
 * `_validate_multiclass_probabilistic_prediction`, scikit-learn ≥ 1.5, current main):
 * - any probability > 1 or < 0 raises ValueError there → RecordError here;
 * - a 1-D prediction (and a one-column row) is expanded to [1 − p, p];
 * - rows that do not sum to 1 (rtol √eps) only get a UserWarning there and are NOT renormalised
 *   (renormalisation was removed in 1.5): they are accepted as they are here, unwarned, since an
 *   adapter has no warning channel;
 * - probabilities are clipped to [eps, 1 − eps], eps = 2.220446049250313e-16 (float64);
 * - loss = −ln(clipped probability of the true label).
 * One LabelBatch (one loss) per line; sequenceId from `id`, else context.fallbackId.
 */
export const xentLabelAdapter: FormatAdapter = {
  name: 'xent-label',
  description: 'xent label lines: {"label", "prob"} (binary) or {"label", "probs": [...]}, scored as scikit-learn log_loss',

  detect(record: unknown): boolean {
    return isRecord(record) && 'label' in record && ('prob' in record || 'probs' in record);
  },

  decode(record: unknown, context: DecodeContext): ScoredItem[] {
    if (!isRecord(record)) throw new RecordError('INVALID_RECORD', `an xent label line must be an object, got ${describe(record)}`);
    const hasProb = record.prob != null;
    const hasProbs = record.probs != null;
    if (hasProb === hasProbs) {
      throw new RecordError('INVALID_RECORD', hasProb ? 'the record has both prob and probs; give one' : 'the record has neither prob nor probs');
    }

    let p: number;
    if (hasProb) {
      const positive = probability(record.prob, 'prob');
      p = binaryLabel(record.label) === 1 ? positive : 1 - positive;
    } else {
      const probs = record.probs;
      if (!Array.isArray(probs)) throw new RecordError('INVALID_RECORD', `probs is ${describe(probs)}, not an array`);
      if (probs.length === 0) throw new RecordError('INVALID_RECORD', 'probs is empty');
      for (let j = 0; j < probs.length; j++) probability(probs[j], `probs[${j}]`);
      if (probs.length === 1) {
        // scikit-learn reads a one-column y_pred as P(label 1) and expands it to [1 − p, p].
        const positive = probs[0] as number;
        p = binaryLabel(record.label) === 1 ? positive : 1 - positive;
      } else {
        const label = record.label;
        if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= probs.length) {
          throw new RecordError('INVALID_RECORD', `label is ${describe(label)}, not an integer index into probs (${probs.length} entries)`);
        }
        p = probs[label] as number;
      }
    }

    const clipped = Math.min(Math.max(p, EPS), 1 - EPS);
    return [{ kind: 'labels', sequenceId: sequenceIdField(record.id, 'id', context.fallbackId), losses: Float64Array.of(-Math.log(clipped)) }];
  },
};

function probability(value: unknown, where: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new RecordError('INVALID_RECORD', `${where} is ${describe(value)}, not a probability`);
  }
  if (value > 1) throw new RecordError('INVALID_RECORD', `${where} is ${value}, greater than 1 (scikit-learn raises on this)`);
  if (value < 0) throw new RecordError('INVALID_RECORD', `${where} is ${value}, lower than 0 (scikit-learn raises on this)`);
  return value;
}

function binaryLabel(label: unknown): 0 | 1 {
  if (label === 1 || label === true) return 1;
  if (label === 0 || label === false) return 0;
  throw new RecordError('INVALID_RECORD', `label is ${describe(label)}, not 0 or 1 (or true/false) for a binary prediction`);
}

