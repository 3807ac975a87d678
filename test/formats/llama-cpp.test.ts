import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/errors.js';
import { llamaCppAdapter } from '../../src/formats/llama-cpp.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { alternativePairs, decodeWithDetail } from '../helpers/decode-with-detail.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { readJsonLines } from '../helpers/read-json-lines.js';

const fixtures = fileURLToPath(new URL('../fixtures/llama-cpp/', import.meta.url));
const load = (name: string): unknown => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));
const lines = (name: string): unknown[] => readJsonLines(path.join(fixtures, name));

const decode = (record: unknown, fallbackId = 'runs/a.jsonl:3') => asTokenBatches(llamaCppAdapter.decode(record, { fallbackId }));

describe('llama-cpp detect', () => {
  it('recognises every /completion form', () => {
    expect(llamaCppAdapter.detect(load('completion.json'))).toBe(true);
    expect(llamaCppAdapter.detect(load('legacy.json'))).toBe(true);
    expect(llamaCppAdapter.detect(load('post-sampling.json'))).toBe(true);
    for (const piece of [...lines('stream.jsonl'), ...lines('legacy-stream.jsonl')]) expect(llamaCppAdapter.detect(piece)).toBe(true);
  });

  it('rejects neighbours and junk', () => {
    for (const junk of [null, undefined, 1, 'x', [], true, {}, { content: 'x' }, { content: 'x', stop: true }]) {
      expect(llamaCppAdapter.detect(junk)).toBe(false);
    }
    // llama.cpp's OpenAI-compatible /v1/completions and TGI / xent shapes
    expect(llamaCppAdapter.detect({ id: 'cmpl-1', object: 'text_completion', choices: [{ text: 'x', logprobs: null }] })).toBe(false);
    expect(llamaCppAdapter.detect({ generated_text: 'x', details: { prefill: [], tokens: [] } })).toBe(false);
    expect(llamaCppAdapter.detect({ id: 'a', logprobs: [-1] })).toBe(false);
    expect(llamaCppAdapter.detect({ sequence_id: 'a', logprob: -1 })).toBe(false);
  });
});

describe('llama-cpp decode', () => {
  it('current form: logprob, bytes, top_logprobs; −FLT_MAX passes through; whole response is final under fallbackId', () => {
    const [batch, ...rest] = decode(load('completion.json'));
    expect(rest).toEqual([]);
    expect(batch).toMatchObject({ sequenceId: 'runs/a.jsonl:3', segment: 'completion', unscored: 0, final: true });
    expect(Array.from(batch!.logprobs)).toEqual([-0.0732421875, -0.5, -3.4028234663852886e38]);
    expect(Array.from(batch!.bytes!)).toEqual([6, 1, 0]);
    expect(batch!.tokens).toEqual([' Paris', '.', '']);
    // an empty top_logprobs is k = 0, not a top-k of its own
    expect(Array.from(batch!.topK!.k)).toEqual([2, 2, 0]);
    // python3 -c "import math; print(math.exp(-0.0732421875)+math.exp(-3.25))"
    expect(batch!.topK!.mass[0]).toBeCloseTo(0.9681499274170606, 15);
    // exp(−FLT_MAX) = 0: the alternative adds no mass
    // python3 -c "import math; print(math.exp(-0.5))"
    expect(batch!.topK!.mass[1]).toBe(0.6065306597126334);
  });

  it('post_sampling_probs form: prob / top_probs are probabilities, converted with Math.log; index > 0 adds #index', () => {
    const [batch] = decode(load('post-sampling.json'));
    expect(batch!.sequenceId).toBe('runs/a.jsonl:3#1');
    // python3 -c "import math; print(math.log(0.5))"
    expect(Array.from(batch!.logprobs)).toEqual([-0.6931471805599453]);
    // python3 -c "print(0.5+0.25)"
    expect(batch!.topK!.mass[0]).toBe(0.75);
  });

  it('old form: the chosen token is the probs entry whose tok_str equals content; prob 0 → −Infinity in top-k', () => {
    const [batch] = decode(load('legacy.json'));
    // python3 -c "import math; print(math.log(0.75), math.log(0.5))"
    expect(Array.from(batch!.logprobs)).toEqual([-0.2876820724517809, -0.6931471805599453]);
    expect(batch!.tokens).toEqual([' Par', 'is']);
    expect(batch!.bytes).toBeUndefined();
    expect(Array.from(batch!.topK!.k)).toEqual([3, 2]);
    // python3 -c "print(0.75+0.125+0.0)"
    expect(batch!.topK!.mass[0]).toBe(0.875);
    expect(batch!.topK!.minProb[0]).toBe(0);
  });

  it('old form: a chosen token missing from probs is a RecordError naming the position', () => {
    const record = { content: 'ab', stop: true, completion_probabilities: [{ content: 'a', probs: [{ tok_str: 'a', prob: 0.5 }] }, { content: 'b', probs: [{ tok_str: 'c', prob: 0.5 }] }] };
    expect(() => decode(record)).toThrow(RecordError);
    expect(() => decode(record)).toThrow(/completion_probabilities\[1\]: the chosen token "b" is not among its 1 probs/);
  });

  it('old form: chosen prob 0 is scored as −Infinity', () => {
    const [batch] = decode({ content: 'a', stop: true, completion_probabilities: [{ content: 'a', probs: [{ tok_str: 'b', prob: 1 }, { tok_str: 'a', prob: 0 }] }] });
    expect(Array.from(batch!.logprobs)).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('stream pieces group by slot (per input) and the stream end closes the sequence without rescoring', () => {
    const out = lines('stream.jsonl').map((piece, i) => decode(piece, `runs/s.jsonl:${i + 1}`));
    expect(out.map((b) => b.map((x) => [x.sequenceId, x.logprobs.length, x.final]))).toEqual([
      [['runs/s.jsonl slot 1', 1, false]],
      [['runs/s.jsonl slot 1', 1, false]],
      [['runs/s.jsonl slot 1', 0, true]],
    ]);
    expect(out.flat().flatMap((b) => Array.from(b.logprobs))).toEqual([-0.0732421875, -0.5]);
    expect(out.flat().flatMap((b) => Array.from(b.bytes ?? []))).toEqual([6, 1]);
  });

  it('old stream end (content "" repeating every probability) is not scored twice', () => {
    const out = lines('legacy-stream.jsonl').map((piece, i) => decode(piece, `old.jsonl:${i + 1}`));
    expect(out.map((b) => b.map((x) => [x.sequenceId, x.logprobs.length, x.final]))).toEqual([
      [['old.jsonl slot 2', 1, false]],
      [['old.jsonl slot 2', 1, false]],
      [['old.jsonl slot 2', 0, true]],
    ]);
  });

  it('a piece without slot is its own sequence; a piece without probabilities gives nothing', () => {
    const piece = { content: 'x', stop: false, completion_probabilities: [{ id: 1, token: 'x', bytes: [120], logprob: -1, top_logprobs: [] }] };
    expect(decode(piece).map((b) => b.sequenceId)).toEqual(['runs/a.jsonl:3']);
    expect(llamaCppAdapter.decode({ content: 'x', stop: false, id_slot: 0, tokens_predicted: 1 }, { fallbackId: 'f:1' })).toEqual([]);
  });

  it('null logprob is counted as unscored; a null alternative is left out of the top-k', () => {
    const [batch] = decode({ content: 'x', stop: true, completion_probabilities: [{ token: 'x', logprob: null, bytes: [120] }, { token: 'y', logprob: -2, bytes: [121], top_logprobs: [{ logprob: -2 }, { logprob: null }] }] });
    expect(Array.from(batch!.topK!.k)).toEqual([1]);
    expect(batch!.unscored).toBe(1);
    expect(Array.from(batch!.logprobs)).toEqual([-2]);
    expect(Array.from(batch!.bytes!)).toEqual([1]);
  });

  it('bad values are RecordErrors naming the field', () => {
    const one = (entry: unknown) => () => decode({ content: 'x', stop: true, completion_probabilities: [entry] });
    expect(one({ token: 'x', logprob: 0.25 })).toThrow(/completion_probabilities\[0\]: logprob 0\.25 is positive/);
    expect(one({ token: 'x', logprob: 'NaN' })).toThrow(/completion_probabilities\[0\]: logprob is the string "NaN"/);
    expect(one({ token: 'x', logprob: -1, top_logprobs: [{ logprob: 1 }] })).toThrow(/completion_probabilities\[0\]\.top_logprobs\[0\]/);
    expect(one({ token: 'x', logprob: -1, top_logprobs: 'x' })).toThrow(/top_logprobs is the string "x", not an array/);
    expect(one({ token: 'x', prob: 1.5 })).toThrow(/completion_probabilities\[0\]\.prob is 1\.5, not a probability in \[0, 1\]/);
    expect(one({ token: 'x', prob: '0.5' })).toThrow(/\.prob is the string "0\.5", not a probability/);
    expect(one({ content: 'x', probs: [{ tok_str: 'x', prob: -0.1 }] })).toThrow(/probs\[0\]\.prob is -0\.1/);
    expect(one({ content: 'x', probs: 'x' })).toThrow(/probs is the string "x", not an array/);
    expect(one({ token: 'x' })).toThrow(/has none of logprob, prob or probs/);
    expect(one('x')).toThrow(/completion_probabilities\[0\] is the string "x", not an object/);
    expect(() => decode({ content: 'x', completion_probabilities: 'x' })).toThrow(/completion_probabilities is the string "x"/);
    expect(() => decode({ content: 'x', stop: 'yes', completion_probabilities: [] })).toThrow(/stop is the string "yes"/);
    expect(() => decode({ content: 'x', index: -1, completion_probabilities: [] })).toThrow(/index is number -1/);
  });
});

describe('llama-cpp robustness', () => {
  it('detect never throws; decode returns or throws RecordError, never a TypeError (property)', () => {
    expectRobustAdapter(llamaCppAdapter, fc.oneof(fc.jsonValue(), fc.record({ content: fc.jsonValue(), stop: fc.jsonValue(), id_slot: fc.jsonValue(), index: fc.jsonValue(), completion_probabilities: fc.oneof(fc.jsonValue(), fc.array(fc.record({ content: fc.jsonValue(), token: fc.jsonValue(), bytes: fc.jsonValue(), logprob: fc.jsonValue(), prob: fc.jsonValue(), probs: fc.oneof(fc.jsonValue(), fc.array(fc.record({ tok_str: fc.jsonValue(), prob: fc.jsonValue() }))), top_logprobs: fc.oneof(fc.jsonValue(), fc.array(fc.record({ logprob: fc.jsonValue() }))), top_probs: fc.jsonValue() }, { requiredKeys: [] }))) }, { requiredKeys: [] })));
  });
});

describe('llama-cpp with detail: full (alternatives for the audit)', () => {
  const ctx = { fallbackId: 'runs/a.jsonl:3' };

  it('current form: top_logprobs with their token text', () => {
    const [batch] = decodeWithDetail(llamaCppAdapter, load('completion.json'), ctx);
    // Expected: the fixture's completion_probabilities[].top_logprobs, token → logprob.
    expect(alternativePairs(batch)).toEqual([
      [
        [' Paris', -0.0732421875],
        [' a', -3.25],
      ],
      [
        ['.', -0.5],
        [',', -3.4028234663852886e38],
      ],
      [],
    ]);
  });

  it('post-sampling form: top_probs as ln p with their token text', () => {
    const [batch] = decodeWithDetail(llamaCppAdapter, load('post-sampling.json'), ctx);
    // python3 -c "import math; print(math.log(0.5), math.log(0.25))"  -> -0.6931471805599453 -1.3862943611198906
    expect(alternativePairs(batch)).toEqual([
      [
        [' Paris', -0.6931471805599453],
        [' a', -1.3862943611198906],
      ],
    ]);
  });

  it('old form: probs with tok_str as text', () => {
    const [batch] = decodeWithDetail(llamaCppAdapter, load('legacy.json'), ctx);
    // python3 -c "import math; print(math.log(0.75), math.log(0.125), math.log(0.5), math.log(0.25))"
    //   -> -0.2876820724517809 -2.0794415416798357 -0.6931471805599453 -1.3862943611198906
    expect(alternativePairs(batch)).toEqual([
      [
        [' Par', -0.2876820724517809],
        [' the', -2.0794415416798357],
        [' a', Number.NEGATIVE_INFINITY],
      ],
      [
        ['is', -0.6931471805599453],
        ['ma', -1.3862943611198906],
      ],
    ]);
  });

  it('a null alternative logprob is left out of both the values and the texts; stream pieces and ends keep detail too', () => {
    const record = {
      content: ' x',
      stop: true,
      completion_probabilities: [{ id: 1, token: ' x', logprob: -1, top_logprobs: [{ id: 2, token: ' y', logprob: null }, { id: 1, token: ' x', logprob: -1 }] }],
    };
    expect(alternativePairs(decodeWithDetail(llamaCppAdapter, record, ctx)[0])).toEqual([[[' x', -1]]]);
    const [piece] = decodeWithDetail(llamaCppAdapter, lines('stream.jsonl')[0], ctx);
    expect(alternativePairs(piece)).toEqual([[[' Paris', -0.0732421875]]]);
    const [end] = decodeWithDetail(llamaCppAdapter, lines('stream.jsonl')[2], ctx);
    expect(alternativePairs(end)).toEqual([]);
  });
});
