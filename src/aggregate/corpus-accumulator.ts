import { ExactSum } from '../math/exact-sum.js';
import { RunningLogSumExp } from '../math/log-sum-exp.js';
import { crossEntropy, perplexity } from '../math/metrics.js';
import type { BadRecord, RecordOrigin } from '../formats/record-outcome.js';
import type { ScoredItem, Segment } from '../formats/scored-batch.js';
import { TokenStats, type TokenMetrics, type TokenStatsOptions } from './token-stats.js';
import { ACCUMULATOR_STATE_VERSION, LL_METRICS, type AccumulatorState, type LoglikelihoodMetric } from './corpus-state.js';
import { GroupFigures, type GroupFiguresState } from './group-figures.js';

// The state's schema lives in corpus-state.ts, the record outcomes with the formats (which know
// nothing of aggregation); these names stay importable from here.
export type { AccumulatorState } from './corpus-state.js';
export type { BadRecord, RecordOrigin } from '../formats/record-outcome.js';

export interface AccumulatorOptions extends TokenStatsOptions {
  /** Which segments count. */
  segment: Segment | 'all';
  /** Keep every finished sequence's figures (for --per-sequence); memory grows with the sequence count. */
  keepSequences: boolean;
  /** How many bad-record examples to keep (all are counted). */
  maxExamples: number;
  /**
   * With a number: figures per group too (`xent watch --group-by`), at most this many distinct
   * groups (see GroupFigures). The groups ride along with add, merge and finish; their state is
   * saved apart (groupsToJSON), so the accumulator's own state keeps its versioned shape.
   */
  maxGroups?: number;
}

export const defaultAccumulatorOptions: AccumulatorOptions = {
  segment: 'all',
  sentinels: 'include',
  keepSequences: false,
  maxExamples: 20,
};

export interface SequenceFigures {
  id: string;
  file: string;
  line?: number;
  tokens: number;
  nll: number;
  cross_entropy: number;
  perplexity: number;
  prompt_tokens: number;
  completion_tokens: number;
}

interface OpenSequence {
  file: string;
  line: number | undefined;
  nll: ExactSum;
  tokens: number;
  promptTokens: number;
  completionTokens: number;
}

/** A whole-sequence record's NLL (see add): reused, as adds are synchronous. */
const WHOLE_SEQUENCE_NLL = new ExactSum();

export interface CorpusMetrics extends TokenMetrics {
  sequences: number;
  /** Mean of per-sequence perplexities: not the corpus perplexity (which weighs every token equally). */
  mean_sequence_perplexity: number;
  mean_sequence_cross_entropy: number;
  empty_sequences: number;
  records: number;
  labels?: number;
  log_loss?: number;
  documents?: number;
  word_perplexity?: number;
  byte_perplexity?: number;
  lm_eval_bits_per_byte?: number;
  failed_requests: number;
}

export interface CorpusSnapshot {
  corpus: CorpusMetrics;
  segments: Partial<Record<Segment, TokenMetrics & { sequences: number }>>;
  formats: Record<string, number>;
  bad_records: { count: number; examples: BadRecord[] };
  failed_requests: { count: number; examples: BadRecord[] };
}

/**
 * The running state of an evaluation: pure (no streams, no I/O), with `add`, `snapshot` and
 * `merge`, and a state that serialises to JSON and back exactly — the daemon checkpoints it and
 * sharded runs merge it. Sequences that span records (streaming chunks, one-token lines) stay
 * open until a record marks them final or `finish()` closes them, so memory grows only with the
 * number of sequences open at once.
 */
export class CorpusAccumulator {
  readonly options: AccumulatorOptions;
  records = 0;
  formats = new Map<string, number>();
  segments: Record<Segment, TokenStats> = { prompt: new TokenStats(), completion: new TokenStats() };
  segmentSequences: Record<Segment, number> = { prompt: 0, completion: 0 };
  sequences = 0;
  emptySequences = 0;
  sequenceCrossEntropy = new ExactSum();
  /** Σ exp(CE_i), exact while it stays finite… */
  sequencePerplexity = new ExactSum();
  /** …and log Σ exp(CE_i) by log-sum-exp for when it does not. */
  sequenceLogPerplexity = new RunningLogSumExp();
  open = new Map<string, OpenSequence>();
  labels = 0;
  labelLoss = new ExactSum();
  loglikelihood = Object.fromEntries(
    LL_METRICS.map((m) => [m, { documents: 0, loglikelihood: new ExactSum(), count: 0 }]),
  ) as Record<LoglikelihoodMetric, { documents: number; loglikelihood: ExactSum; count: number }>;
  failedRequests = 0;
  failedExamples: BadRecord[] = [];
  badRecords = 0;
  badExamples: BadRecord[] = [];
  /** Finished sequences, when options.keepSequences. */
  finished: SequenceFigures[] = [];
  /** Figures per group, with options.maxGroups. */
  readonly groups: GroupFigures<CorpusAccumulator> | undefined;

  constructor(options: Partial<AccumulatorOptions> = {}) {
    this.options = { ...defaultAccumulatorOptions, ...options };
    const max = this.options.maxGroups;
    if (max !== undefined) this.groups = new GroupFigures(max, this.groupAccumulator.bind(this));
  }

  /**
   * Adds the items decoded from one record. Sequences marked final close after the whole record.
   * `group`: the record's value at --group-by (null: it has none), counted in that group too.
   */
  add(items: readonly ScoredItem[], origin: RecordOrigin, format: string, group?: string | null): void {
    if (this.groups !== undefined && group !== undefined) this.groups.add(group, items, origin, format);
    this.records++;
    this.formats.set(format, (this.formats.get(format) ?? 0) + 1);
    const only = items.length === 1 ? items[0] : undefined;
    if (only?.kind === 'tokens' && only.final && !this.open.has(only.sequenceId)) {
      // A record that is one whole sequence (the common case) is summed and closed at once,
      // without opening it: no map entry, no sum of its own (profiled: a tenth of a flat report).
      if (this.options.segment === 'all' || only.segment === this.options.segment) {
        const nll = WHOLE_SEQUENCE_NLL;
        nll.clear();
        const n = this.segments[only.segment].add(only, this.options, nll);
        const prompt = only.segment === 'prompt' ? n : 0;
        this.closeSequence(only.sequenceId, origin.file, origin.line, nll, n, prompt, n - prompt);
      }
      return;
    }
    let closing: string[] | undefined;
    for (const item of items) {
      switch (item.kind) {
        case 'tokens': {
          if (this.options.segment !== 'all' && item.segment !== this.options.segment) break;
          const seq = this.openSequence(item.sequenceId, origin);
          const batchNll = new ExactSum();
          const n = this.segments[item.segment].add(item, this.options, batchNll);
          seq.nll.merge(batchNll);
          seq.tokens += n;
          if (item.segment === 'prompt') seq.promptTokens += n;
          else seq.completionTokens += n;
          if (item.final) (closing ??= []).push(item.sequenceId);
          break;
        }
        case 'labels':
          this.labels += item.losses.length;
          this.labelLoss.addAll(item.losses);
          break;
        case 'loglikelihood': {
          const ll = this.loglikelihood[item.metric];
          ll.documents++;
          ll.loglikelihood.add(item.loglikelihood);
          ll.count += item.count;
          break;
        }
        case 'failed-request':
          this.failedRequests++;
          if (this.failedExamples.length < this.options.maxExamples) {
            this.failedExamples.push({ ...origin, code: 'FAILED_REQUEST', reason: `${item.sequenceId}: ${item.reason}` });
          }
          break;
      }
    }
    if (closing !== undefined) for (const id of closing) this.close(id);
  }

  addBadRecord(bad: BadRecord): void {
    this.badRecords++;
    if (this.badExamples.length < this.options.maxExamples) this.badExamples.push(bad);
  }

  /** Closes every open sequence: the end of the input is the end of every sequence in it. */
  finish(): void {
    for (const id of [...this.open.keys()]) this.close(id);
    this.groups?.finish();
  }

  /** Folds another accumulator in. Open sequences with the same id are joined (a sequence split across shards). */
  merge(other: CorpusAccumulator): void {
    this.records += other.records;
    for (const [k, v] of other.formats) this.formats.set(k, (this.formats.get(k) ?? 0) + v);
    this.segments.prompt.merge(other.segments.prompt);
    this.segments.completion.merge(other.segments.completion);
    this.segmentSequences.prompt += other.segmentSequences.prompt;
    this.segmentSequences.completion += other.segmentSequences.completion;
    this.sequences += other.sequences;
    this.emptySequences += other.emptySequences;
    this.sequenceCrossEntropy.merge(other.sequenceCrossEntropy);
    this.sequencePerplexity.merge(other.sequencePerplexity);
    this.sequenceLogPerplexity.merge(other.sequenceLogPerplexity);
    for (const [id, seq] of other.open) {
      const mine = this.open.get(id);
      if (mine === undefined) {
        this.open.set(id, { ...seq, nll: seq.nll.clone() });
      } else {
        mine.nll.merge(seq.nll);
        mine.tokens += seq.tokens;
        mine.promptTokens += seq.promptTokens;
        mine.completionTokens += seq.completionTokens;
      }
    }
    this.labels += other.labels;
    this.labelLoss.merge(other.labelLoss);
    for (const m of LL_METRICS) {
      this.loglikelihood[m].documents += other.loglikelihood[m].documents;
      this.loglikelihood[m].loglikelihood.merge(other.loglikelihood[m].loglikelihood);
      this.loglikelihood[m].count += other.loglikelihood[m].count;
    }
    this.failedRequests += other.failedRequests;
    this.failedExamples = [...this.failedExamples, ...other.failedExamples].slice(0, this.options.maxExamples);
    this.badRecords += other.badRecords;
    this.badExamples = [...this.badExamples, ...other.badExamples].slice(0, this.options.maxExamples);
    if (this.options.keepSequences) this.finished.push(...other.finished);
    if (other.groups !== undefined) this.groups?.merge(other.groups);
  }

  /** The groups' saved state (undefined without options.maxGroups). */
  groupsToJSON(): GroupFiguresState | undefined {
    return this.groups?.toJSON();
  }

  /** Takes up saved groups (a checkpoint's); a state of another shape throws a TypeError naming what is wrong. */
  restoreGroups(state: GroupFiguresState): void {
    this.groups?.merge(GroupFigures.fromJSON(state, this.groups.max, this.groupAccumulator.bind(this)));
  }

  /** A group's own accumulator: this one's options, without groups of its own or kept sequences. */
  private groupAccumulator(state?: AccumulatorState): CorpusAccumulator {
    const { maxGroups: _, ...own } = this.options;
    const options: Partial<AccumulatorOptions> = { ...own, keepSequences: false };
    return state === undefined ? new CorpusAccumulator(options) : CorpusAccumulator.fromJSON(state, options);
  }

  /** Tokens counted so far, over the selected segments. */
  get tokens(): number {
    return this.segments.prompt.tokens + this.segments.completion.tokens;
  }

  snapshot(): CorpusSnapshot {
    const all = new TokenStats();
    all.merge(this.segments.prompt);
    all.merge(this.segments.completion);
    const tokenMetrics = all.metrics(this.options);
    const meanCe = this.sequences > 0 ? this.sequenceCrossEntropy.value() / this.sequences : Number.NaN;
    let meanPpl = Number.NaN;
    if (this.sequences > 0) {
      const direct = this.sequencePerplexity.value();
      meanPpl = Number.isFinite(direct)
        ? direct / this.sequences
        : Math.exp(this.sequenceLogPerplexity.value() - Math.log(this.sequences));
    }
    const corpus: CorpusMetrics = {
      sequences: this.sequences,
      ...tokenMetrics,
      mean_sequence_perplexity: meanPpl,
      mean_sequence_cross_entropy: meanCe,
      empty_sequences: this.emptySequences,
      records: this.records,
      failed_requests: this.failedRequests,
    };
    if (this.labels > 0) {
      corpus.labels = this.labels;
      corpus.log_loss = this.labelLoss.value() / this.labels;
    }
    const word = this.loglikelihood.word_perplexity;
    const byte = this.loglikelihood.byte_perplexity;
    const bpb = this.loglikelihood.bits_per_byte;
    const documents = Math.max(word.documents, byte.documents, bpb.documents);
    if (documents > 0) {
      corpus.documents = documents;
      // lm-evaluation-harness: weighted_perplexity = exp(−Σll/Σn); bits_per_byte = −Σll/Σbytes/ln 2.
      if (word.documents > 0) corpus.word_perplexity = Math.exp(-word.loglikelihood.value() / word.count);
      if (byte.documents > 0) corpus.byte_perplexity = Math.exp(-byte.loglikelihood.value() / byte.count);
      if (bpb.documents > 0) {
        corpus.lm_eval_bits_per_byte = -bpb.loglikelihood.value() / bpb.count / Math.LN2;
        if (corpus.bits_per_byte === undefined) corpus.bits_per_byte = corpus.lm_eval_bits_per_byte;
      }
    }
    const segments: CorpusSnapshot['segments'] = {};
    for (const s of ['prompt', 'completion'] as const) {
      const stats = this.segments[s];
      if (stats.tokens > 0 || stats.unscored > 0) {
        segments[s] = { sequences: this.segmentSequences[s], ...stats.metrics(this.options) };
      }
    }
    return {
      corpus,
      segments,
      formats: Object.fromEntries([...this.formats].sort(([a], [b]) => (a < b ? -1 : 1))),
      bad_records: { count: this.badRecords, examples: this.badExamples.slice() },
      failed_requests: { count: this.failedRequests, examples: this.failedExamples.slice() },
    };
  }

  private openSequence(id: string, origin: RecordOrigin): OpenSequence {
    let seq = this.open.get(id);
    if (seq === undefined) {
      seq = {
        file: origin.file,
        line: origin.line,
        nll: new ExactSum(),
        tokens: 0,
        promptTokens: 0,
        completionTokens: 0,
      };
      this.open.set(id, seq);
    }
    return seq;
  }

  private close(id: string): void {
    const seq = this.open.get(id);
    if (seq === undefined) return;
    this.open.delete(id);
    this.closeSequence(id, seq.file, seq.line, seq.nll, seq.tokens, seq.promptTokens, seq.completionTokens);
  }

  /** Counts a finished sequence: into the per-sequence means, and the kept list when asked. */
  private closeSequence(
    id: string,
    file: string,
    line: number | undefined,
    sequenceNll: ExactSum,
    tokens: number,
    promptTokens: number,
    completionTokens: number,
  ): void {
    if (tokens === 0) {
      this.emptySequences++;
      return;
    }
    this.sequences++;
    if (promptTokens > 0) this.segmentSequences.prompt++;
    if (completionTokens > 0) this.segmentSequences.completion++;
    const nll = sequenceNll.value();
    const ce = crossEntropy(nll, tokens);
    this.sequenceCrossEntropy.add(ce);
    this.sequencePerplexity.add(perplexity(ce));
    this.sequenceLogPerplexity.add(ce);
    if (this.options.keepSequences) {
      const figures: SequenceFigures = {
        id,
        file,
        tokens,
        nll,
        cross_entropy: ce,
        perplexity: perplexity(ce),
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
      };
      if (line !== undefined) figures.line = line;
      this.finished.push(figures);
    }
  }

  toJSON(): AccumulatorState {
    return {
      version: ACCUMULATOR_STATE_VERSION,
      records: this.records,
      formats: Object.fromEntries(this.formats),
      segments: { prompt: this.segments.prompt.toJSON(), completion: this.segments.completion.toJSON() },
      segmentSequences: { ...this.segmentSequences },
      sequences: this.sequences,
      emptySequences: this.emptySequences,
      sequenceCrossEntropy: this.sequenceCrossEntropy.toJSON(),
      sequencePerplexity: this.sequencePerplexity.toJSON(),
      sequenceLogPerplexity: this.sequenceLogPerplexity.toJSON(),
      open: [...this.open].map(([id, s]) => ({
        id,
        file: s.file,
        line: s.line ?? null,
        nll: s.nll.toJSON(),
        tokens: s.tokens,
        promptTokens: s.promptTokens,
        completionTokens: s.completionTokens,
      })),
      labels: this.labels,
      labelLoss: this.labelLoss.toJSON(),
      loglikelihood: Object.fromEntries(
        LL_METRICS.map((m) => {
          const ll = this.loglikelihood[m];
          return [m, { documents: ll.documents, loglikelihood: ll.loglikelihood.toJSON(), count: ll.count }];
        }),
      ) as AccumulatorState['loglikelihood'],
      failedRequests: this.failedRequests,
      failedExamples: this.failedExamples.slice(),
      badRecords: this.badRecords,
      badExamples: this.badExamples.slice(),
    };
  }

  static fromJSON(state: AccumulatorState, options: Partial<AccumulatorOptions> = {}): CorpusAccumulator {
    const a = new CorpusAccumulator(options);
    a.records = state.records;
    a.formats = new Map(Object.entries(state.formats));
    a.segments = {
      prompt: TokenStats.fromJSON(state.segments.prompt),
      completion: TokenStats.fromJSON(state.segments.completion),
    };
    a.segmentSequences = { ...state.segmentSequences };
    a.sequences = state.sequences;
    a.emptySequences = state.emptySequences;
    a.sequenceCrossEntropy = ExactSum.fromJSON(state.sequenceCrossEntropy);
    a.sequencePerplexity = ExactSum.fromJSON(state.sequencePerplexity);
    a.sequenceLogPerplexity = RunningLogSumExp.fromJSON(state.sequenceLogPerplexity);
    a.open = new Map(
      state.open.map((s) => [
        s.id,
        {
          file: s.file,
          line: s.line ?? undefined,
          nll: ExactSum.fromJSON(s.nll),
          tokens: s.tokens,
          promptTokens: s.promptTokens,
          completionTokens: s.completionTokens,
        },
      ]),
    );
    a.labels = state.labels;
    a.labelLoss = ExactSum.fromJSON(state.labelLoss);
    for (const m of LL_METRICS) {
      const ll = state.loglikelihood[m];
      a.loglikelihood[m] = { documents: ll.documents, loglikelihood: ExactSum.fromJSON(ll.loglikelihood), count: ll.count };
    }
    a.failedRequests = state.failedRequests;
    a.failedExamples = state.failedExamples.slice();
    a.badRecords = state.badRecords;
    a.badExamples = state.badExamples.slice();
    return a;
  }
}
