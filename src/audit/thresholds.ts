import { ANOMALY_KINDS, type AnomalyKind } from './anomaly-log.js';
import type { AuditReport, AuditSection, ThresholdResult } from './audit-report.js';

/** Limits for scripts and CI gates; a crossed one gives exit code 4 (EXIT.THRESHOLD). */
export interface Thresholds {
  /** Corpus (and every group's) token-weighted perplexity. */
  maxPerplexity?: number;
  /** p99 of per-sequence perplexity, corpus and every group. */
  maxP99Perplexity?: number;
  maxBadRecords?: number;
  /** Per anomaly kind, or 'all' for their total. */
  maxAnomalies?: Map<AnomalyKind | 'all', number>;
}

/** Parses `--max-anomalies` values such as `sentinel=0` or `all=10`; the message quotes the option. */
export function parseAnomalyLimits(values: readonly string[]): Map<AnomalyKind | 'all', number> {
  const limits = new Map<AnomalyKind | 'all', number>();
  for (const value of values) {
    const match = /^([a-z_]+)=(\d+)$/.exec(value);
    const kind = match?.[1];
    if (match === null || kind === undefined || (kind !== 'all' && !(ANOMALY_KINDS as readonly string[]).includes(kind))) {
      throw new RangeError(`Expected \`--max-anomalies\` to be KIND=N with KIND one of all, ${ANOMALY_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
    }
    limits.set(kind as AnomalyKind | 'all', Number(match[2]));
  }
  return limits;
}

/**
 * Checks every threshold against the corpus and each group, fills `report.thresholds` (crossed or
 * not, so a CI log shows the margin) and returns the crossed ones. An undefined figure (no
 * tokens) crosses nothing.
 */
export function checkThresholds(report: AuditReport, thresholds: Thresholds): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  const check = (name: string, limit: number | undefined, value: number, group?: string | null): void => {
    if (limit === undefined) return;
    const result: ThresholdResult = { name, limit, value, crossed: Number.isNaN(value) ? false : !(value <= limit) };
    if (group !== undefined) result.group = group;
    results.push(result);
  };
  const sections: { section: AuditSection; group?: string | null }[] = [{ section: report }];
  for (const g of report.groups ?? []) sections.push({ section: g, group: g.overflow ? '(overflow)' : g.group });
  for (const { section, group } of sections) {
    check('--max-perplexity', thresholds.maxPerplexity, section.corpus.perplexity, group);
    check('--max-p99-perplexity', thresholds.maxP99Perplexity, section.quantiles.sequence_perplexity.p99, group);
    for (const [kind, limit] of thresholds.maxAnomalies ?? []) {
      const value = kind === 'all' ? Object.values(section.anomalies).reduce((a, b) => a + b, 0) : section.anomalies[kind];
      check(`--max-anomalies ${kind}`, limit, value, group);
    }
  }
  check('--max-bad-records', thresholds.maxBadRecords, report.bad_records.count);
  report.thresholds = results;
  return results.filter((r) => r.crossed);
}
