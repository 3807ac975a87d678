import { TokenStats, TOP_K_MASS_TOLERANCE, type TokenMetrics } from '../aggregate/token-stats.js';
import type { RecordOrigin } from '../aggregate/corpus-accumulator.js';
import type { TokenBatch } from '../formats/scored-batch.js';
import { ExactSum } from '../math/exact-sum.js';
import { topKEntropyBounds } from '../math/metrics.js';
import { sentinelIndex } from '../math/sentinels.js';
import { TDigest } from '../math/t-digest.js';
import { AnomalyLog, type AnomalyExample } from './anomaly-log.js';
import type { AuditOptions } from './audit-options.js';
import { BoundedHeap } from './bounded-heap.js';
import { DetailSpans } from './detail-spans.js';
import { LogHistogram } from './log-histogram.js';
import { PositionBuckets } from './position-buckets.js';
import { RollingSeries } from './rolling-series.js';
import { OpenSequence, rankScore, type SequenceScores } from './sequence-scores.js';
import { tokenDetail } from './token-detail.js';

/** Logprobs within this of the smallest listed alternative count as "inside the top-k" (servers print ~8 digits). */
const RANK_TOLERANCE = 1e-6;

/**
 * Every audit figure over one set of records (the corpus, or one `--group-by` group): token
 * sums, per-sequence scores folded into top-K heaps, quantile sketches and a histogram, position
 * buckets, a rolling series and anomalies. Pure: no I/O. Memory: fixed, plus one OpenSequence per
 * sequence still open (and its first `detailTokens` tokens when a page is wanted).
 */
export class AuditGroup {
  readonly stats = new TokenStats();
  readonly anomalies: AnomalyLog;
  readonly worst: BoundedHeap<SequenceScores>;
  readonly best: BoundedHeap<SequenceScores>;
  readonly crossEntropy = new TDigest();
  readonly perplexity = new TDigest();
  readonly histogram = new LogHistogram();
  readonly positions = new PositionBuckets();
  readonly rolling = new RollingSeries();
  readonly sequenceCrossEntropy = new ExactSum();
  readonly open = new Map<string, OpenSequence>();
  records = 0;
  sequences = 0;
  emptySequences = 0;
  /** The spans of the kept sequences read again by the second pass (a weak map: those that fall out of the heaps go). */
  private readonly spans = new WeakMap<SequenceScores, DetailSpans>();
  /** Scratch for one batch's NLL, emptied before each batch (adds are synchronous). */
  private readonly batchNll = new ExactSum();

  constructor(readonly options: AuditOptions) {
    this.anomalies = new AnomalyLog(options.examples);
    this.worst = new BoundedHeap(options.top);
    this.best = new BoundedHeap(options.top);
  }

  anomaly(example: AnomalyExample): void {
    this.anomalies.add(example);
  }

  /**
   * Adds one batch to the open sequence `key` (opened here if needed). With `reread`, the index of
   * an input the second pass can re-read, the heat-map keeps where its tokens are instead of them.
   */
  addBatch(key: string, batch: TokenBatch, origin: RecordOrigin, reread?: number): void {
    let seq = this.open.get(key);
    if (seq === undefined) {
      seq = new OpenSequence(batch.sequenceId, origin.file, origin.line, origin.element);
      if (this.options.detailTokens > 0) {
        if (reread === undefined) seq.detail = [];
        else seq.spans = new DetailSpans(reread, this.options.detailTokens);
      }
      this.open.set(key, seq);
    }
    const batchNll = this.batchNll;
    batchNll.clear();
    seq.tokens += this.stats.add(batch, this.options, batchNll);
    seq.nll.merge(batchNll);
    const exclude = this.options.sentinels === 'exclude';
    const first = seq.position;
    seq.position += batch.logprobs.length;
    // Position buckets and the rolling series take the batch whole: they need no per-token state.
    this.positions.addBatch(first, batch.logprobs, exclude);
    this.rolling.addBatch(batch.logprobs, exclude);
    this.scoreTokens(seq, first, batch, origin, exclude);
    seq.spans?.note(origin, batch.logprobs, exclude);
  }

  /** Where the heat-map tokens of a kept sequence are, when the second pass is to read them. */
  spansOf(scores: SequenceScores): DetailSpans | undefined {
    return this.spans.get(scores);
  }

  /**
   * The per-token part of a batch: sentinels, the largest surprise, entropy and top-k sums, the
   * top-k checks and the page's detail. Anomalies are logged in token order, kind after kind for
   * each token, so the examples kept are the first ones whatever the batch sizes.
   */
  private scoreTokens(seq: OpenSequence, first: number, batch: TokenBatch, origin: RecordOrigin, exclude: boolean): void {
    const { logprobs, entropy, topK, tokens, alternatives, listing } = batch;
    const vocabSize = this.options.vocabSize;
    for (let i = 0; i < logprobs.length; i++) {
      const x = logprobs[i] as number;
      const position = first + i;
      // Every sentinel is ≤ −100, so most tokens skip the lookup.
      if (x <= -100 && sentinelIndex(x) >= 0) {
        this.anomaly({ kind: 'sentinel', ...where(origin, batch), position, value: x, detail: `logprob ${x} is a sentinel, not a real value` });
        if (exclude) continue;
      }
      const surprise = -x;
      if (surprise > seq.maxSurprise) {
        seq.maxSurprise = surprise;
        seq.maxSurprisePosition = position;
      }
      if (entropy !== undefined) {
        const h = entropy[i] as number;
        if (h === h) {
          seq.entropy.add(h);
          seq.entropyTokens++;
        }
      }
      if (topK !== undefined && (topK.k[i] as number) > 0) {
        const mass = topK.mass[i] as number;
        const bounds = topKEntropyBounds(topK.partialEntropy[i] as number, mass, topK.minProb[i] as number, topK.k[i] as number, vocabSize);
        seq.lower.add(bounds.lower);
        if (vocabSize !== undefined) seq.upper.add(bounds.upper);
        seq.topKTokens++;
        if (mass > 1 + TOP_K_MASS_TOLERANCE) {
          this.anomaly({ kind: 'top_k_mass_above_one', ...where(origin, batch), position, value: mass, detail: `top-k probabilities sum to ${mass}` });
        }
      }
      const alts = alternatives?.logprobs[i];
      if (alts !== undefined && alts.length > 0) {
        const texts = alternatives?.texts[i] ?? [];
        const text = tokens?.[i];
        let smallest = Number.POSITIVE_INFINITY;
        let listed = false;
        for (let j = 0; j < alts.length; j++) {
          const lp = alts[j] as number;
          if (lp < smallest) smallest = lp;
          const t = texts[j];
          // Same text when both are known, else the same logprob.
          if (text !== undefined && t !== undefined && t !== '' ? t === text : Math.abs(lp - x) <= RANK_TOLERANCE) listed = true;
        }
        if (!listed && x > smallest + RANK_TOLERANCE) this.notInTopK(origin, batch, position, x, alts.length, smallest);
      } else if (listing !== undefined && topK !== undefined && (topK.k[i] as number) > 0) {
        // The same check, made by the fast path from the record's bytes (see ChosenListing).
        const smallest = listing.smallest[i] as number;
        if (listing.listed[i] === 0 && x > smallest + RANK_TOLERANCE) this.notInTopK(origin, batch, position, x, topK.k[i] as number, smallest);
      }
      if (seq.detail !== undefined && seq.detail.length < this.options.detailTokens) seq.detail.push(tokenDetail(batch, i));
    }
  }

  private notInTopK(origin: RecordOrigin, batch: TokenBatch, position: number, x: number, listed: number, smallest: number): void {
    this.anomaly({
      kind: 'chosen_not_in_top_k',
      ...where(origin, batch),
      position,
      value: x,
      detail: `logprob ${x} is above the smallest of ${listed} listed alternatives (${smallest}) but the token is not listed`,
    });
  }

  /** Ends a sequence: scores it and folds it into the heaps, sketches and histogram. */
  close(key: string): void {
    const seq = this.open.get(key);
    if (seq === undefined) return;
    this.open.delete(key);
    if (seq.tokens === 0) {
      this.emptySequences++;
      this.anomaly({ kind: 'empty_sequence', file: seq.file, line: seq.line, element: seq.element, sequence: seq.id, detail: 'the sequence ended with no scored token' });
      return;
    }
    this.sequences++;
    const s = seq.scores(this.options.vocabSize !== undefined);
    this.sequenceCrossEntropy.add(s.cross_entropy);
    this.crossEntropy.add(s.cross_entropy);
    // An overflowing perplexity is kept as the largest double so the sketch can still order it.
    this.perplexity.add(Math.min(s.perplexity, Number.MAX_VALUE));
    this.histogram.add(s.perplexity);
    const score = rankScore(s, this.options.rankBy);
    const worst = this.worst.offer(s, score);
    const best = this.best.offer(s, -score);
    if (seq.spans !== undefined && (worst || best)) this.spans.set(s, seq.spans);
  }

  /** Ends every open sequence whose key starts with `prefix` (the end of a file ends its sequences). */
  closeAll(prefix = ''): void {
    for (const key of [...this.open.keys()]) if (key.startsWith(prefix)) this.close(key);
  }

  metrics(): TokenMetrics {
    return this.stats.metrics(this.options);
  }
}

/** Where a token anomaly is (its position and value are added beside it). */
function where(origin: RecordOrigin, batch: TokenBatch): Pick<AnomalyExample, 'file' | 'line' | 'element' | 'sequence'> {
  return { file: origin.file, line: origin.line, element: origin.element, sequence: batch.sequenceId };
}
