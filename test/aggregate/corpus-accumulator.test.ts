import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorpusAccumulator } from '../../src/aggregate/corpus-accumulator.js';
import type { ScoredItem } from '../../src/formats/scored-batch.js';
import { exactSumReference } from '../helpers/exact-reference.js';
import { tokens } from '../helpers/batches.js';

const origin = (line: number) => ({ file: 'f.jsonl', line, offset: 0 });

describe('CorpusAccumulator', () => {
  it('computes NLL, cross-entropy, perplexity and bits against hand-computed values', () => {
    const acc = new CorpusAccumulator();
    acc.add([tokens('a', [-0.5, -1.5], { bytes: [3, 1] })], origin(1), 'x');
    acc.add([tokens('b', [-2.0])], origin(2), 'x');
    acc.finish();
    const c = acc.snapshot().corpus;
    expect(c.sequences).toBe(2);
    expect(c.tokens).toBe(3);
    expect(c.nll).toBe(4);
    // python3 -c "import math; print(repr(4/3), repr(math.exp(4/3)), repr(4/3/math.log(2)))"
    expect(c.cross_entropy).toBe(1.3333333333333333);
    expect(c.perplexity).toBe(3.7936678946831774);
    expect(c.bits_per_token).toBe(1.923593387851951);
    // bits per byte over the tokens with bytes: (0.5+1.5)/4/ln 2
    expect(c.bytes).toBe(4);
    expect(c.tokens_with_bytes).toBe(2);
    expect(c.bits_per_byte).toBe(2 / 4 / Math.LN2);
    // per-sequence: a has CE 1, b has CE 2 → mean of perplexities (e + e²)/2
    // python3 -c "import math; print(repr((math.exp(1)+math.exp(2))/2))"
    expect(c.mean_sequence_perplexity).toBe(5.0536689636948475);
    expect(c.mean_sequence_cross_entropy).toBe(1.5);
  });

  it('standard error of the cross-entropy equals a naive two-pass computation', () => {
    const lps = [-0.1, -2.3, -0.7, -5.0, -1.1, -0.05];
    const acc = new CorpusAccumulator();
    acc.add([tokens('a', lps)], origin(1), 'x');
    const nll = lps.map((x) => -x);
    const mean = nll.reduce((a, b) => a + b) / nll.length;
    const variance = nll.reduce((a, x) => a + (x - mean) ** 2, 0) / (nll.length - 1);
    expect(acc.snapshot().corpus.standard_error).toBeCloseTo(Math.sqrt(variance / nll.length), 12);
  });

  it('counts sentinels, scores them by default and drops them with sentinels: exclude', () => {
    const lps = [-1, -9999, -3.4028234663852886e38, -100, Number.NEGATIVE_INFINITY];
    const inc = new CorpusAccumulator();
    inc.add([tokens('a', lps)], origin(1), 'x');
    const ci = inc.snapshot().corpus;
    expect(ci.sentinels).toEqual({ '-9999': 1, '-3.4028234663852886e38': 1, '-100': 1, '-Infinity': 1 });
    expect(ci.tokens).toBe(5);
    expect(ci.nll).toBe(Number.POSITIVE_INFINITY);
    const exc = new CorpusAccumulator({ sentinels: 'exclude' });
    exc.add([tokens('a', lps)], origin(1), 'x');
    const ce = exc.snapshot().corpus;
    expect(ce.tokens).toBe(1);
    expect(ce.nll).toBe(1);
    expect(ce.sentinels_excluded).toBe(4);
  });

  it('keeps a sequence open across records until one marks it final', () => {
    const acc = new CorpusAccumulator({ keepSequences: true });
    acc.add([tokens('s', [-1], { final: false })], origin(1), 'x');
    acc.add([tokens('t', [-3], { final: false })], origin(2), 'x');
    acc.add([tokens('s', [-2], { final: true })], origin(3), 'x');
    expect(acc.snapshot().corpus.sequences).toBe(1);
    acc.finish();
    expect(acc.finished.map((s) => [s.id, s.tokens, s.nll, s.line])).toEqual([
      ['s', 2, 3, 1],
      ['t', 1, 3, 2],
    ]);
  });

  it('closes a final sequence only after the whole record (prompt and completion together)', () => {
    const acc = new CorpusAccumulator();
    acc.add(
      [tokens('s', [-1], { segment: 'prompt', final: true }), tokens('s', [-2], { segment: 'completion', final: true })],
      origin(1),
      'x',
    );
    const snap = acc.snapshot();
    expect(snap.corpus.sequences).toBe(1);
    expect(snap.segments.prompt?.sequences).toBe(1);
    expect(snap.segments.completion?.tokens).toBe(1);
  });

  it('counts only the selected segment', () => {
    const acc = new CorpusAccumulator({ segment: 'completion' });
    acc.add([tokens('s', [-1, -1], { segment: 'prompt', unscored: 1 }), tokens('s', [-2], { segment: 'completion' })], origin(1), 'x');
    const c = acc.snapshot().corpus;
    expect(c.tokens).toBe(1);
    expect(c.nll).toBe(2);
    expect(c.unscored).toBe(0);
  });

  it('log loss, lm-eval pairs and failed requests', () => {
    const acc = new CorpusAccumulator();
    const items: ScoredItem[] = [
      { kind: 'labels', sequenceId: 'l', losses: Float64Array.from([-Math.log(0.7), -Math.log(1 - 0.2), -Math.log(1 - 0.1), -Math.log(0.9)]) },
      { kind: 'loglikelihood', sequenceId: 'd', metric: 'word_perplexity', loglikelihood: -10, count: 4 },
      { kind: 'loglikelihood', sequenceId: 'd', metric: 'bits_per_byte', loglikelihood: -10, count: 20 },
      { kind: 'failed-request', sequenceId: 'r', reason: 'rate limited' },
    ];
    acc.add(items, origin(1), 'x');
    const c = acc.snapshot().corpus;
    // scikit-learn: log_loss([1,0,0,1], [0.7,0.2,0.1,0.9]) = 0.1976348816421487
    expect(Math.abs((c.log_loss as number) - 0.1976348816421487)).toBeLessThanOrEqual(1e-15);
    // lm-eval weighted_perplexity: exp(10/4); bits_per_byte: 10/20/ln 2
    expect(c.word_perplexity).toBe(Math.exp(10 / 4));
    expect(c.bits_per_byte).toBe(10 / 20 / Math.LN2);
    expect(c.failed_requests).toBe(1);
  });

  it('top-k mass and entropy bounds against hand-computed values', () => {
    const acc = new CorpusAccumulator({ vocabSize: 10 });
    const batch = tokens('a', [Math.log(0.5)]);
    // listed: 0.5, 0.25 → mass 0.75, H_k = 0.5 ln 2 + 0.25 ln 4 = ln 2, rest 0.25
    batch.topK = {
      mass: Float64Array.from([0.75]),
      partialEntropy: Float64Array.from([Math.LN2]),
      minProb: Float64Array.from([0.25]),
      k: Uint32Array.from([2]),
    };
    acc.add([batch], origin(1), 'x');
    const t = acc.snapshot().corpus.top_k;
    expect(t?.mean_mass).toBe(0.75);
    // lower = ln 2 + 0.25·ln 4; upper = ln 2 − 0.25·ln(0.25/8)
    expect(t?.entropy_lower).toBeCloseTo(Math.LN2 + 0.25 * Math.log(4), 15);
    expect(t?.entropy_upper).toBeCloseTo(Math.LN2 - 0.25 * Math.log(0.25 / 8), 15);
    expect(t?.mass_above_one).toBe(0);
  });

  it('counts top-k mass above 1 beyond print rounding (1e-6), not within it', () => {
    const acc = new CorpusAccumulator();
    const batch = tokens('a', [-0.1, -0.1, -0.1]);
    batch.topK = {
      mass: Float64Array.from([1.0000001, 1.001, 0.9]),
      partialEntropy: Float64Array.from([0.1, 0.1, 0.1]),
      minProb: Float64Array.from([0.1, 0.1, 0.1]),
      k: Uint32Array.from([2, 2, 2]),
    };
    acc.add([batch], origin(1), 'x');
    expect(acc.snapshot().corpus.top_k?.mass_above_one).toBe(1);
  });

  const recordArb = fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd'),
    lps: fc.array(fc.double({ min: -30, max: 0, noNaN: true }), { maxLength: 6 }),
    final: fc.boolean(),
    segment: fc.constantFrom('prompt' as const, 'completion' as const),
    sentinel: fc.boolean(),
  });

  function shardedVersusOnePass(records: { id: string; lps: number[]; final: boolean; segment: 'prompt' | 'completion'; sentinel: boolean }[], cuts: number[]) {
    const items = records.map((r) => [tokens(r.id, r.sentinel ? [...r.lps, -9999] : r.lps, { final: r.final, segment: r.segment })]);
    const one = new CorpusAccumulator();
    items.forEach((it, i) => one.add(it, origin(i + 1), 'x'));
    const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b);
    const bounds = [0, ...points, items.length];
    const merged = new CorpusAccumulator();
    for (let s = 0; s + 1 < bounds.length; s++) {
      const shard = new CorpusAccumulator();
      for (let i = bounds[s] as number; i < (bounds[s + 1] as number); i++) shard.add(items[i] as ScoredItem[], origin(i + 1), 'x');
      // through JSON, as a checkpoint or a worker would hand it over
      merged.merge(CorpusAccumulator.fromJSON(JSON.parse(JSON.stringify(shard.toJSON()))));
    }
    one.finish();
    merged.finish();
    return { one: one.snapshot(), merged: merged.snapshot() };
  }

  it('merging the accumulators of any split of the input equals one pass, bit for bit (token figures)', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 3 }), (records, cuts) => {
        const { one, merged } = shardedVersusOnePass(records, cuts);
        expect(merged.corpus.tokens).toBe(one.corpus.tokens);
        expect(merged.corpus.nll).toBe(one.corpus.nll);
        expect(merged.corpus.nll).toBe(exactSumReference(records.flatMap((r) => (r.sentinel ? [...r.lps, -9999] : r.lps)).map((x) => -x)));
        expect(merged.corpus.standard_error).toBe(one.corpus.standard_error);
        for (const s of ['prompt', 'completion'] as const) {
          expect({ ...merged.segments[s], sequences: 0 }).toEqual({ ...one.segments[s], sequences: 0 });
        }
      }),
    );
  });

  it('with whole-sequence records, the merged snapshot equals one pass entirely (sequence figures too)', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 3 }), (records, cuts) => {
        const { one, merged } = shardedVersusOnePass(records.map((r) => ({ ...r, final: true })), cuts);
        expect(merged).toEqual(one);
      }),
    );
  });

  it('state survives JSON exactly and continues as if never stopped', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 20 }), fc.nat(), (records, cut) => {
        const items = records.map((r) => [tokens(r.id, r.lps, { final: r.final, segment: r.segment })]);
        const at = cut % (items.length + 1);
        const straight = new CorpusAccumulator();
        items.forEach((it, i) => straight.add(it, origin(i + 1), 'x'));
        const first = new CorpusAccumulator();
        items.slice(0, at).forEach((it, i) => first.add(it, origin(i + 1), 'x'));
        const resumed = CorpusAccumulator.fromJSON(JSON.parse(JSON.stringify(first.toJSON())));
        items.slice(at).forEach((it, i) => resumed.add(it, origin(at + i + 1), 'x'));
        straight.finish();
        resumed.finish();
        expect(resumed.snapshot()).toEqual(straight.snapshot());
        expect(JSON.stringify(resumed.toJSON())).toBe(JSON.stringify(straight.toJSON()));
      }),
    );
  });
});
