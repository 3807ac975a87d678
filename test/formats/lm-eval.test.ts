import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/errors.js';
import { lmEvalAdapter } from '../../src/formats/lm-eval.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { readJsonLines } from '../helpers/read-json-lines.js';

const fixtures = fileURLToPath(new URL('../fixtures/lm-eval/', import.meta.url));
const lines = (name: string): unknown[] => readJsonLines(path.join(fixtures, name));
const ctx = { fallbackId: 'samples.jsonl:1' };

const wikitext = lines('samples_wikitext_2024-06-01T10-00-00.123456.jsonl');
const wikitextOld = lines('samples_wikitext_2023-12-01T09-00-00.jsonl');
const arc = lines('samples_arc_easy_2024-06-01T10-00-00.jsonl');

describe('lm-eval detect', () => {
  it('recognises --log_samples lines, 2024 and older', () => {
    for (const line of [...wikitext, ...wikitextOld, ...arc]) expect(lmEvalAdapter.detect(line)).toBe(true);
  });

  it('rejects neighbours and junk', () => {
    for (const junk of [null, undefined, 3, 'doc_id', [], {}, { doc_id: 1 }, [{ doc_id: 1, resps: [] }]]) {
      expect(lmEvalAdapter.detect(junk)).toBe(false);
    }
    expect(lmEvalAdapter.detect({ id: 'a', logprobs: [-1] })).toBe(false);
    expect(lmEvalAdapter.detect({ label: 1, prob: 0.5 })).toBe(false);
    expect(lmEvalAdapter.detect({ content: 'x', stop: true, completion_probabilities: [] })).toBe(false);
    expect(lmEvalAdapter.detect({ id: 'chatcmpl-1', choices: [] })).toBe(false);
  });
});

describe('lm-eval decode', () => {
  it('emits one pair per perplexity metric, numbers or numeric strings', () => {
    expect(lmEvalAdapter.decode(wikitext[0], ctx)).toEqual([
      { kind: 'loglikelihood', sequenceId: '0', metric: 'word_perplexity', loglikelihood: -41.25, count: 19 },
      { kind: 'loglikelihood', sequenceId: '0', metric: 'byte_perplexity', loglikelihood: -41.25, count: 95 },
      { kind: 'loglikelihood', sequenceId: '0', metric: 'bits_per_byte', loglikelihood: -41.25, count: 95 },
    ]);
    expect(lmEvalAdapter.decode(wikitext[1], ctx)).toEqual([
      { kind: 'loglikelihood', sequenceId: '1', metric: 'word_perplexity', loglikelihood: -20.5, count: 10 },
      { kind: 'loglikelihood', sequenceId: '1', metric: 'byte_perplexity', loglikelihood: -20.5, count: 47 },
      { kind: 'loglikelihood', sequenceId: '1', metric: 'bits_per_byte', loglikelihood: -20.5, count: 47 },
    ]);
    expect(lmEvalAdapter.decode(wikitextOld[0], ctx).map((p) => p.kind === 'loglikelihood' && [p.metric, p.loglikelihood, p.count])).toEqual([
      ['word_perplexity', -9.75, 5],
      ['byte_perplexity', -9.75, 20],
      ['bits_per_byte', -9.75, 20],
    ]);
  });

  it('only the metrics present; a task name in the record prefixes the id', () => {
    const items = lmEvalAdapter.decode({ doc_id: 7, task: 'pile_arxiv', resps: [], bits_per_byte: [-3, 4] }, ctx);
    expect(items).toEqual([{ kind: 'loglikelihood', sequenceId: 'pile_arxiv/7', metric: 'bits_per_byte', loglikelihood: -3, count: 4 }]);
  });

  it('Python str() spellings: "-inf", "1e-05" style exponents', () => {
    const [a, b] = lmEvalAdapter.decode({ doc_id: 0, resps: [], word_perplexity: ['-inf', 3], byte_perplexity: ['-1.5e-05', '2'] }, ctx);
    expect(a).toMatchObject({ loglikelihood: Number.NEGATIVE_INFINITY, count: 3 });
    expect(b).toMatchObject({ loglikelihood: -1.5e-5, count: 2 });
  });

  it('non-perplexity tasks are recognised and give nothing', () => {
    expect(lmEvalAdapter.decode(arc[0], ctx)).toEqual([]);
  });

  it('bad pairs are RecordErrors naming the metric', () => {
    const bad = (value: unknown) => () => lmEvalAdapter.decode({ doc_id: 0, resps: [], word_perplexity: value }, ctx);
    expect(bad([-1])).toThrow(/word_perplexity is an array of length 1, not a \[loglikelihood, count\] pair/);
    expect(bad(-1)).toThrow(/word_perplexity is number -1, not a \[loglikelihood, count\] pair/);
    expect(bad(['abc', 3])).toThrow(/word_perplexity\[0\] is the string "abc", not a number or a numeric string/);
    expect(bad(['tensor(-1.5)', 3])).toThrow(RecordError);
    expect(bad(['nan', 3])).toThrow(/word_perplexity\[0\] \(the loglikelihood\) is NaN/);
    expect(bad([2.5, 3])).toThrow(/word_perplexity\[0\] \(the loglikelihood\) is 2\.5, positive/);
    expect(bad([-1, 2.5])).toThrow(/word_perplexity\[1\] \(the word count\) is number 2\.5, not a non-negative integer/);
    expect(bad([-1, -2])).toThrow(/not a non-negative integer/);
    expect(bad([-1, null])).toThrow(/word_perplexity\[1\] is null/);
    expect(() => lmEvalAdapter.decode({ doc_id: null, resps: [], bits_per_byte: [-1, 1] }, ctx)).toThrow(/doc_id is null/);
  });
});

describe('lm-eval robustness', () => {
  it('detect never throws; decode returns or throws RecordError, never a TypeError (property)', () => {
    expectRobustAdapter(lmEvalAdapter, fc.oneof(fc.jsonValue(), fc.record({ doc_id: fc.jsonValue(), resps: fc.jsonValue(), task: fc.jsonValue(), word_perplexity: fc.oneof(fc.jsonValue(), fc.tuple(fc.jsonValue(), fc.jsonValue())), byte_perplexity: fc.jsonValue(), bits_per_byte: fc.oneof(fc.jsonValue(), fc.tuple(fc.oneof(fc.double(), fc.string()), fc.oneof(fc.integer(), fc.string()))) }, { requiredKeys: [] })));
  });
});
