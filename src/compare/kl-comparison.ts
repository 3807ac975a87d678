import { BoundedHeap } from '../audit/bounded-heap.js';
import { ExactSum } from '../math/exact-sum.js';
import { KlSummary } from '../math/kl-summary.js';
import { positionKl } from '../math/position-kl.js';
import type { KlReport, KlSequence, KlSequenceProblem } from './compare-report.js';
import type { ComparedView } from './position-views.js';
import type { SequenceSummary } from './sequence-collector.js';

const EXAMPLES = 20;

/** Per-position KL bins for the page (nats): below 0 (rounding), then from 0 and powers of ten from 1e-6 to 10, open above. */
export const KL_EDGES = [0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10];

type Side = SequenceSummary & { positions: ComparedView[] };

/**
 * The fold of `compare --kl` over matched sequence pairs (A the reference P, B the candidate Q): position by position
 * KL(P_A ‖ P_B) with positionKl (exact with full rows on both sides, else the top-k lower bound), into one KlSummary,
 * the sequences with the highest mean KL, and what could not be compared. A pair whose lengths differ is a
 * `length_mismatch` and none of its positions count: aligning them would compare different tokens. Where both sides
 * name the next token and the names differ, the texts have parted: that position and every later one of the sequence
 * are not compared (each counted, with why).
 */
export class KlComparison {
  private readonly summary = new KlSummary();
  private readonly heap: BoundedHeap<KlSequence>;
  private readonly histogram = new Array<number>(KL_EDGES.length + 1).fill(0);
  private readonly mismatch = { count: 0, examples: [] as KlSequenceProblem[] };
  private readonly unscored = { count: 0, examples: [] as { id: string; position: number; reason: string }[] };
  private sequences = 0;

  constructor(top: number) {
    this.heap = new BoundedHeap<KlSequence>(top);
  }

  add(a: Side, b: Side): void {
    const n = a.positions.length;
    if (b.positions.length !== n) {
      this.mismatch.count++;
      if (this.mismatch.examples.length < EXAMPLES) {
        this.mismatch.examples.push({ code: 'length_mismatch', id: a.id, a: where(a), b: where(b) });
      }
      return;
    }
    const sum = new ExactSum();
    let scored = 0;
    let exact = 0;
    let diverged: number | undefined;
    for (let i = 0; i < n; i++) {
      const va = a.positions[i] as ComparedView;
      const vb = b.positions[i] as ComparedView;
      if (diverged === undefined && va.token !== undefined && vb.token !== undefined && va.token !== vb.token) diverged = i;
      const reason = diverged === undefined ? unscorable(va, vb) : divergence(a.positions[diverged] as ComparedView, b.positions[diverged] as ComparedView, diverged, i);
      const position = reason === undefined ? positionKl(va, vb) : undefined;
      if (position === undefined) {
        this.unscored.count++;
        if (this.unscored.examples.length < EXAMPLES) {
          this.unscored.examples.push({ id: a.id, position: i, reason: reason ?? `the rows have ${va.full?.values.length} and ${vb.full?.values.length} entries` });
        }
        continue;
      }
      this.summary.add(position);
      const bin = KL_EDGES.findIndex((e) => position.kl < e);
      const slot = bin === -1 ? KL_EDGES.length : bin;
      this.histogram[slot] = (this.histogram[slot] as number) + 1;
      sum.add(position.kl);
      scored++;
      if (position.exact) exact++;
    }
    if (scored === 0) return;
    this.sequences++;
    const mean = sum.value() / scored;
    if (!this.heap.admits(mean)) return;
    const entry: KlSequence = { id: a.id, mean_kl: mean, positions: scored, exact_positions: exact, file_a: a.file, file_b: b.file };
    if (a.line !== undefined) entry.line_a = a.line;
    if (b.line !== undefined) entry.line_b = b.line;
    this.heap.offer(entry, mean);
  }

  report(): KlReport {
    return {
      kl: this.summary.figures(),
      kl_top_sequences: this.heap.sorted(),
      kl_sequences: this.sequences,
      kl_length_mismatch: this.mismatch,
      kl_unscored_positions: this.unscored,
      kl_histogram: { edges: KL_EDGES.slice(), counts: this.histogram.slice() },
    };
  }
}

function where(s: Side): { file: string; line?: number; positions: number } {
  return s.line === undefined ? { file: s.file, positions: s.positions.length } : { file: s.file, line: s.line, positions: s.positions.length };
}

/**
 * Teacher-forced dumps score the same token at each position; a different token means the texts differ from there on
 * (two generations that parted ways), and every later position has another prefix on each side: none is compared.
 */
function divergence(a: ComparedView, b: ComparedView, at: number, i: number): string {
  const tokens = `${JSON.stringify(a.token)} on side A, ${JSON.stringify(b.token)} on side B`;
  return at === i ? `the next token differs (${tokens}): not the same text` : `the texts parted at position ${at} (${tokens})`;
}

/** Why a position cannot be compared, before positionKl is asked (undefined: ask it). */
function unscorable(a: ComparedView, b: ComparedView): string | undefined {
  const sideA = a.full !== undefined ? 'full' : a.listed !== undefined ? 'listed' : undefined;
  const sideB = b.full !== undefined ? 'full' : b.listed !== undefined ? 'listed' : undefined;
  if (sideA === undefined || sideB === undefined) {
    const which = sideA === undefined && sideB === undefined ? 'either side' : sideA === undefined ? 'side A' : 'side B';
    return `no distribution on ${which} (neither a full row nor top-k alternatives with token texts)`;
  }
  // A full row names tokens by index, a listing by text: no token can be matched across the two.
  if (sideA !== sideB) return `a full row on side ${sideA === 'full' ? 'A' : 'B'} and top-k texts on the other: no token to match`;
  return undefined;
}
