/** xent's library API: evaluate files, or compose the stages and the accumulator yourself. */
export { evaluate, type EvaluateOptions } from './evaluate.js';
export type { Report } from './reports/report.js';
export { buildReport } from './reports/report.js';
export { renderText } from './reports/text-report.js';
export { toJson } from './reports/json-report.js';
export { Evaluation, type RollingReport, type FileFigures } from './aggregate/evaluation.js';
export {
  CorpusAccumulator,
  type AccumulatorOptions,
  type AccumulatorState,
  type CorpusMetrics,
  type CorpusSnapshot,
  type SequenceFigures,
  type BadRecord,
  type RecordOrigin,
} from './aggregate/corpus-accumulator.js';
export { TokenStats, type TokenMetrics } from './aggregate/token-stats.js';
export { TokenWindow, type WindowMetrics } from './aggregate/token-window.js';
export { ExactSum } from './math/exact-sum.js';
export { logSumExp, logSoftmaxEntropy, probabilityEntropy, RunningLogSumExp } from './math/log-sum-exp.js';
export * from './math/metrics.js';
export { SENTINELS, type SentinelKind } from './math/sentinels.js';
export type { FormatAdapter, FormatName } from './formats/adapter.js';
export type { ScoredItem, TokenBatch, LabelBatch, LoglikelihoodPair, FailedRequest, Segment } from './formats/scored-batch.js';
export { adapters, adapterByName, detectAdapter, formatNames } from './formats/registry.js';
export { LineFramer, type FramedItem, type FramedLine } from './records/line-framer.js';
export { LineSplitter } from './streams/line-splitter.js';
export { RecordDecoder } from './streams/record-decoder.js';
export { BatchDecoder } from './streams/batch-decoder.js';
export { DocumentRecords } from './streams/document-records.js';
export { openInput } from './streams/open-input.js';
export { scoreInput } from './streams/score-input.js';
export { XentError, RecordError, type XentErrorCode } from './errors.js';
export { softCrossEntropy, type DistributionRow, type SoftCrossEntropy } from './math/soft-cross-entropy.js';
export { topKKlLowerBound, type ListedAlternatives, type TopKKlBound } from './math/top-k-kl-lower-bound.js';
export { KlSummary, type KlFigures, type KlPosition } from './math/kl-summary.js';
export { positionKl, type PositionView } from './math/position-kl.js';
