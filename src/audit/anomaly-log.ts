/**
 * Anomalies: things in a dump that are legal enough to score but suspicious, each counted, with
 * the first few examples kept (all are counted; examples are bounded per kind).
 */
export const ANOMALY_KINDS = [
  /** A sentinel logprob (-9999, -3.4e38, -100, -Infinity) written instead of a real value. */
  'sentinel',
  /** A positive, NaN or non-number logprob: the record is also a bad record. */
  'invalid_logprob',
  /** Top-k alternatives whose probabilities sum above 1 (beyond print rounding). */
  'top_k_mass_above_one',
  /** The chosen token is missing from its own top-k although its logprob ranks inside it. */
  'chosen_not_in_top_k',
  /** A sequence that ended with no scored token. */
  'empty_sequence',
  /** A sequence id seen again after its sequence had started. */
  'duplicate_id',
  /** A record that was recognised but holds no log-probability at all. */
  'no_logprobs',
] as const;

export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export interface AnomalyExample {
  kind: AnomalyKind;
  file: string;
  line?: number;
  element?: number;
  sequence?: string;
  /** 0-based scored-token position in the sequence. */
  position?: number;
  value?: number;
  detail: string;
}

export class AnomalyLog {
  readonly counts = new Map<AnomalyKind, number>(ANOMALY_KINDS.map((k) => [k, 0]));
  readonly examples: AnomalyExample[] = [];
  private readonly kept = new Map<AnomalyKind, number>();

  constructor(private readonly examplesPerKind = 5) {}

  add(example: AnomalyExample): void {
    this.counts.set(example.kind, (this.counts.get(example.kind) ?? 0) + 1);
    const kept = this.kept.get(example.kind) ?? 0;
    if (kept < this.examplesPerKind) {
      this.kept.set(example.kind, kept + 1);
      this.examples.push(example);
    }
  }

  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  /** Counts by kind, every kind present (0 when none), in ANOMALY_KINDS order. */
  countsJson(): Record<AnomalyKind, number> {
    return Object.fromEntries(ANOMALY_KINDS.map((k) => [k, this.counts.get(k) ?? 0])) as Record<AnomalyKind, number>;
  }
}
