import type { Segment } from '../formats/scored-batch.js';
import { RANK_METRICS, type RankMetric } from './sequence-scores.js';

export interface AuditOptions {
  /** Which segments count. */
  segment: Segment | 'all';
  /** 'exclude' drops sentinel tokens from the sums (they are still counted as anomalies). */
  sentinels: 'include' | 'exclude';
  vocabSize?: number;
  /** Worst and best sequences kept (--top). */
  top: number;
  rankBy: RankMetric;
  /** Tokens kept per worst sequence for the page's heat-map (0: none, the default without --html). */
  detailTokens: number;
  /** Examples kept per anomaly kind, and bad records kept. */
  examples: number;
  /** Distinct groups kept with --group-by; later keys share one overflow group. */
  maxGroups: number;
}

export const defaultAuditOptions: AuditOptions = {
  segment: 'all',
  sentinels: 'include',
  top: 10,
  rankBy: 'cross-entropy',
  detailTokens: 0,
  examples: 5,
  maxGroups: 1000,
};

/** Fills defaults and checks every option, with messages that quote it. */
export function auditOptions(partial: Partial<AuditOptions> = {}): AuditOptions {
  const o = { ...defaultAuditOptions, ...partial };
  const integer = (name: string, value: number, min: number): void => {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`Expected \`${name}\` to be an integer from ${min} and up, got ${value}`);
  };
  integer('top', o.top, 0);
  integer('detail-tokens', o.detailTokens, 0);
  integer('examples', o.examples, 0);
  integer('max-groups', o.maxGroups, 1);
  if (o.vocabSize !== undefined) integer('vocab-size', o.vocabSize, 1);
  if (!(RANK_METRICS as readonly string[]).includes(o.rankBy)) {
    throw new RangeError(`Expected \`rank-by\` to be one of ${RANK_METRICS.join(', ')}, got ${JSON.stringify(o.rankBy)}`);
  }
  return o;
}
