import { describe, expect, it } from 'vitest';
import { CorpusAccumulator } from '../../src/aggregate/corpus-accumulator.js';
import { Evaluation, type RollingReport } from '../../src/aggregate/evaluation.js';
import type { BadRecord, RecordOutcome } from '../../src/formats/record-outcome.js';
import { tokens } from '../helpers/batches.js';

const scored = (line: number, logprobs: number[]): RecordOutcome => ({
  kind: 'scored',
  items: [tokens(`s${line}`, logprobs)],
  origin: { file: 'f.jsonl', line, offset: 0 },
  format: 'x',
});

describe('Evaluation.fold', () => {
  it('folds into an accumulator it does not hold, feeds its window and reports bad records with their raw text', () => {
    const bad: BadRecord[] = [];
    const raws: (string | undefined)[] = [];
    // A window of 3 tokens and no rolling period: the daemon's use.
    const evaluation = new Evaluation({ window: 3 }, { onBadRecord: (b, raw) => (bad.push(b), raws.push(raw)) });
    const accumulator = new CorpusAccumulator();
    evaluation.fold(accumulator, scored(1, [-0.5, -1.5]));
    evaluation.fold(accumulator, { kind: 'bad', bad: { file: 'f.jsonl', line: 2, code: 'INVALID_JSON', reason: 'r' }, raw: '{oops' });
    evaluation.fold(accumulator, scored(3, [-2, -1]));
    expect(accumulator.tokens).toBe(4);
    expect(accumulator.records).toBe(2);
    expect(accumulator.badRecords).toBe(1);
    expect(bad.map((b) => b.line)).toEqual([2]);
    expect(raws).toEqual(['{oops']);
    // The last 3 NLLs: 1.5 + 2 + 1 = 4.5 over 3 tokens.
    // python3 -c "import math; print(repr(4.5/3), repr(math.exp(4.5/3)), repr(4.5/3/math.log(2)))"
    const window = evaluation.windowMetrics();
    expect(window?.tokens).toBe(3);
    expect(window?.nll).toBe(4.5);
    expect(window?.cross_entropy).toBe(1.5);
    expect(window?.perplexity).toBe(4.4816890703380645);
    expect(window?.bits_per_token).toBe(2.1640425613334453);
    // No files of its own: the evaluation's corpus is empty.
    expect(evaluation.corpus().tokens).toBe(0);
  });

  it('has no window without `every` or `window`', () => {
    const evaluation = new Evaluation();
    evaluation.fold(new CorpusAccumulator(), scored(1, [-1]));
    expect(evaluation.windowMetrics()).toBeUndefined();
  });

  it('accept folds into the file it names, and a rolling report comes each time the total crosses a multiple of `every`', () => {
    const rolling: RollingReport[] = [];
    const evaluation = new Evaluation({ every: 2 }, { onRolling: (r) => rolling.push(r) });
    const a = evaluation.addFile('a');
    const b = evaluation.addFile('b');
    evaluation.accept(a, scored(1, [-1]));
    expect(rolling).toHaveLength(0);
    evaluation.accept(b, scored(1, [-3, -1, -2]));
    // 4 tokens: crossed 2 (and 4) at once, one report; its window is the last 2 NLLs, 1 + 2.
    expect(rolling).toHaveLength(1);
    expect(rolling[0]?.window.tokens).toBe(2);
    expect(rolling[0]?.window.nll).toBe(3);
    expect(rolling[0]?.corpus.tokens).toBe(4);
    evaluation.accept(a, scored(2, [-1]));
    expect(rolling).toHaveLength(1);
    expect(evaluation.fileFigures().map((f) => f.corpus.tokens)).toEqual([2, 3]);
  });

  it('rejects a window that is not a positive integer', () => {
    expect(() => new Evaluation({ window: 0 })).toThrow(RangeError);
  });
});
