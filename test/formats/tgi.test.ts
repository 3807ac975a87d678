import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/errors.js';
import { tgiAdapter } from '../../src/formats/tgi.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { alternativePairs, decodeWithDetail } from '../helpers/decode-with-detail.js';
import { exactSumReference } from '../helpers/exact-reference.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { sharedFixture } from '../helpers/shared-fixture.js';

const fixtures = fileURLToPath(new URL('../fixtures/tgi/', import.meta.url));
const shared = sharedFixture('tgi', 'tgi shared-fixture test');
const sharedRoot = shared.path;
const ctx = { fallbackId: 'x.json:1' };

function load(name: string): unknown {
  return JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));
}

const generate = {
  details: {
    best_of_sequences: null,
    finish_reason: 'length',
    generated_tokens: 3,
    prefill: [
      { id: 17934, logprob: null, text: 'Pour' },
      { id: 49833, logprob: -10.5703125, text: ' dég' },
      { id: 21543, logprob: -0.14746094, text: 'uster' },
    ],
    seed: 0,
    tokens: [
      { id: 578, logprob: -1.7822266, special: false, text: ' le' },
      { id: 289, logprob: 0.0, special: false, text: 're' },
      { id: 2, logprob: -0.5, special: true, text: '</s>' },
    ],
    top_tokens: null,
  },
  generated_text: ' lere',
};

describe('tgi detect', () => {
  it('recognises /generate responses, with or without details', () => {
    expect(tgiAdapter.detect(generate)).toBe(true);
    expect(tgiAdapter.detect(load('best-of-top-tokens.json'))).toBe(true);
    expect(tgiAdapter.detect({ generated_text: 'hi' })).toBe(true);
    expect(tgiAdapter.detect({ generated_text: 'hi', details: null })).toBe(true);
  });

  it('rejects neighbours and junk', () => {
    for (const junk of [null, undefined, 0, 'x', [], [generate], true, {}, { details: {} }, { details: { tokens: 'x' } }]) {
      expect(tgiAdapter.detect(junk)).toBe(false);
    }
    // TGI streaming events are not /generate responses
    expect(tgiAdapter.detect(load('stream-event.json'))).toBe(false);
    // OpenAI-compatible chat completion (TGI's /v1/chat/completions)
    expect(tgiAdapter.detect({ id: '', object: 'chat.completion', choices: [{ index: 0, logprobs: null, message: { content: 'x' } }] })).toBe(false);
    // llama.cpp /completion and xent shapes
    expect(tgiAdapter.detect({ content: 'x', stop: true, completion_probabilities: [] })).toBe(false);
    expect(tgiAdapter.detect({ id: 'a', logprobs: [-1] })).toBe(false);
    expect(tgiAdapter.detect({ doc_id: 0, resps: [], word_perplexity: [-1, 1] })).toBe(false);
  });
});

describe('tgi decode', () => {
  it('splits prefill (prompt, first null unscored) from tokens (completion); 0.0 is scored; special tokens are scored', () => {
    const [prompt, completion] = asTokenBatches(tgiAdapter.decode(generate, ctx));
    expect(prompt).toMatchObject({ sequenceId: 'x.json:1', segment: 'prompt', unscored: 1, final: true });
    expect(Array.from(prompt!.logprobs)).toEqual([-10.5703125, -0.14746094]);
    expect(prompt!.tokens).toEqual([' dég', 'uster']);
    expect(completion).toMatchObject({ sequenceId: 'x.json:1', segment: 'completion', unscored: 0, final: true });
    expect(Array.from(completion!.logprobs)).toEqual([-1.7822266, 0, -0.5]);
    expect(completion!.tokens).toEqual([' le', 're', '</s>']);
    expect(completion!.bytes).toBeUndefined();
    expect(completion!.topK).toBeUndefined();
  });

  it('emits no prompt batch when prefill is empty (decoder_input_details off)', () => {
    const items = asTokenBatches(tgiAdapter.decode({ ...generate, details: { ...generate.details, prefill: [] } }, ctx));
    expect(items.map((b) => b.segment)).toEqual(['completion']);
  });

  it('decodes best_of_sequences as #1, #2, … and top_tokens as top-k', () => {
    const items = asTokenBatches(tgiAdapter.decode(load('best-of-top-tokens.json'), ctx));
    expect(items.map((b) => `${b.sequenceId}/${b.segment}`)).toEqual([
      'x.json:1/prompt',
      'x.json:1/completion',
      'x.json:1#1/prompt',
      'x.json:1#1/completion',
    ]);
    // python3 -c "print(2.5+0.5+0.125+2.5+0.75+0.0)"  -> 6.375
    expect(-exactSumReference(items.flatMap((b) => Array.from(b.logprobs)))).toBe(6.375);
    const main = items[1]!;
    expect(Array.from(main.topK!.k)).toEqual([2, 2]);
    // python3 -c "import math as m; print(m.exp(-0.5)+m.exp(-1.5), -(m.exp(-0.5)*-0.5+m.exp(-1.5)*-1.5))"
    expect(main.topK!.mass[0]).toBeCloseTo(0.8296608198610632, 15);
    expect(main.topK!.partialEntropy[0]).toBeCloseTo(0.6379605700789615, 15);
    expect(Array.from(items[3]!.topK!.k)).toEqual([2, 1]);
  });

  it('passes sentinels through', () => {
    const record = { generated_text: '', details: { prefill: [], tokens: [{ id: 1, text: 'a', logprob: -9999, special: false }, { id: 2, text: 'b', logprob: -3.4028234663852886e38, special: false }] } };
    const [completion] = asTokenBatches(tgiAdapter.decode(record, ctx));
    expect(Array.from(completion!.logprobs)).toEqual([-9999, -3.4028234663852886e38]);
  });

  it('throws RecordError naming the field for bad values', () => {
    const bad = (tokens: unknown, extra: Record<string, unknown> = {}) => () =>
      tgiAdapter.decode({ generated_text: 'x', details: { prefill: [], tokens, ...extra } }, ctx);
    expect(bad([{ id: 1, text: 'a', logprob: 0.5 }])).toThrow(/details\.tokens\[0\].*positive/);
    expect(bad([{ id: 1, text: 'a', logprob: -1 }, { id: 1, text: 'a', logprob: '-1' }])).toThrow(/details\.tokens\[1\]: logprob is the string "-1"/);
    expect(bad(['x'])).toThrow(/details\.tokens\[0\] is the string "x", not a token object/);
    expect(bad('x')).toThrow(/details\.tokens is the string "x", not an array/);
    expect(bad([{ logprob: -1 }], { top_tokens: [[{ logprob: 'a' }]] })).toThrow(/details\.top_tokens\[0\]\[0\]/);
    expect(bad([{ logprob: -1 }], { top_tokens: [[], []] })).toThrow(/top_tokens has 2 positions but details\.tokens has 1/);
    expect(bad([{ logprob: -1 }], { best_of_sequences: [{ tokens: null }] })).toThrow(/details\.best_of_sequences\[0\]\.tokens is null/);
    expect(() => tgiAdapter.decode({ generated_text: 'x' }, ctx)).toThrow(RecordError);
    expect(() => tgiAdapter.decode({ generated_text: 'x' }, ctx)).toThrow(/details = true/);
    expect(() => tgiAdapter.decode({ generated_text: 'x', details: 3 }, ctx)).toThrow(/details is number 3, not an object/);
  });
});

describe('tgi over the shared real-world fixtures', () => {
  it.skipIf(!shared.present)('matches an independent python3 count and math.fsum NLL on every /generate response', () => {
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'expected-from-shared.json'), 'utf8')) as Record<
      string,
      { sequences: number; prompt_tokens: number; completion_tokens: number; unscored: number; nll: number }
    >;
    const seen: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? walk(full) : name.endsWith('.json') ? [full] : [];
      });
    for (const file of walk(sharedRoot)) {
      const rel = path.relative(sharedRoot, file).split(path.sep).join('/');
      const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
      const elements = Array.isArray(value) ? value : [value];
      const responses = elements.filter((e) => typeof e === 'object' && e !== null && 'details' in e);
      // Every other element (OpenAI-compatible chat responses, chunk streams) is not ours.
      for (const e of elements) if (!responses.includes(e)) expect(tgiAdapter.detect(e), rel).toBe(false);
      if (responses.length === 0) continue;
      seen.push(rel);
      const ids = new Set<string>();
      let prompt = 0;
      let completion = 0;
      let unscored = 0;
      const terms: number[] = [];
      responses.forEach((response, i) => {
        expect(tgiAdapter.detect(response), rel).toBe(true);
        for (const batch of asTokenBatches(tgiAdapter.decode(response, { fallbackId: `${rel}:${i}` }))) {
          ids.add(batch.sequenceId);
          if (batch.segment === 'prompt') prompt += batch.logprobs.length;
          else completion += batch.logprobs.length;
          unscored += batch.unscored;
          for (const lp of batch.logprobs) terms.push(-lp);
        }
      });
      const want = expected[rel];
      expect(want, `${rel} missing from expected-from-shared.json`).toBeDefined();
      expect({ sequences: ids.size, prompt_tokens: prompt, completion_tokens: completion, unscored }, rel).toEqual({
        sequences: want!.sequences,
        prompt_tokens: want!.prompt_tokens,
        completion_tokens: want!.completion_tokens,
        unscored: want!.unscored,
      });
      const nll = exactSumReference(terms);
      expect(Math.abs(nll - want!.nll), rel).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want!.nll)));
    }
    expect(seen.sort()).toEqual(Object.keys(expected).sort());
  });
});

describe('tgi robustness', () => {
  it('detect never throws; decode returns or throws RecordError, never a TypeError (property)', () => {
    expectRobustAdapter(tgiAdapter, fc.oneof(fc.jsonValue(), fc.record({ generated_text: fc.jsonValue(), details: fc.oneof(fc.jsonValue(), fc.record({ prefill: fc.oneof(fc.jsonValue(), fc.array(fc.record({ logprob: fc.jsonValue(), text: fc.jsonValue() }))), tokens: fc.oneof(fc.jsonValue(), fc.array(fc.record({ logprob: fc.jsonValue(), text: fc.jsonValue() }))), top_tokens: fc.oneof(fc.jsonValue(), fc.array(fc.array(fc.record({ logprob: fc.jsonValue() })))), best_of_sequences: fc.jsonValue() }, { requiredKeys: [] })) }, { requiredKeys: [] })));
  });
});

describe('tgi with detail: full (alternatives for the audit)', () => {
  it("keeps each completion token's top_tokens with their text, for the main and best_of sequences; prefill has none", () => {
    const batches = decodeWithDetail(tgiAdapter, load('best-of-top-tokens.json'), ctx);
    expect(batches.map((b) => [b.sequenceId, b.segment])).toEqual([
      ['x.json:1', 'prompt'],
      ['x.json:1', 'completion'],
      ['x.json:1#1', 'prompt'],
      ['x.json:1#1', 'completion'],
    ]);
    expect(alternativePairs(batches[0])).toEqual([[]]);
    // Expected: the fixture's details.top_tokens and best_of_sequences[0].top_tokens, text → logprob.
    expect(alternativePairs(batches[1])).toEqual([
      [
        [' Paris', -0.5],
        [' London', -1.5],
      ],
      [
        ['</s>', -0.125],
        ['.', -3],
      ],
    ]);
    expect(alternativePairs(batches[3])).toEqual([
      [
        [' Paris', -0.75],
        [' London', -1.25],
      ],
      [[' is', 0]],
    ]);
  });

  it('without top_tokens the completion tokens have no alternatives', () => {
    const [, completion] = decodeWithDetail(tgiAdapter, generate, ctx);
    expect(alternativePairs(completion)).toEqual([[], [], []]);
  });
});
