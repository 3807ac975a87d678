import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/errors.js';
import { openAiBatchAdapter } from '../../src/formats/openai-batch.js';
import { openAiChatChunkAdapter } from '../../src/formats/openai-chat-chunk.js';
import { openAiChatAdapter } from '../../src/formats/openai-chat.js';
import { openAiCompletionAdapter } from '../../src/formats/openai-completion.js';
import type { TokenBatch } from '../../src/formats/scored-batch.js';
import { vllmAdapter } from '../../src/formats/vllm.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { alternativePairs, decodeWithDetail } from '../helpers/decode-with-detail.js';
import { expectRecordError } from '../helpers/expect-record-error.js';
import { sharedFixture } from '../helpers/shared-fixture.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ctx = { fallbackId: 'completions.jsonl:4' };
const tgiCompletionFixture = sharedFixture('tgi/test_completion_prompts/test_flash_llama_completion_many_prompts_stream.json', 'openai-completion: the TGI fixture test');

function completion(logprobs: unknown, extra: Record<string, unknown> = {}, choiceExtra: Record<string, unknown> = {}) {
  return {
    id: 'cmpl-9xG2kL0aB3cD5eF7gH9iJ1kL3mN5o',
    object: 'text_completion',
    created: 1723712245,
    model: 'gpt-3.5-turbo-instruct',
    choices: [{ text: ' Paris.', index: 0, logprobs, finish_reason: 'length', ...choiceExtra }],
    usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
    ...extra,
  };
}

const paris = {
  tokens: [' Paris', '.'],
  token_logprobs: [-0.0071135117, -0.5839458],
  top_logprobs: [
    { ' Paris': -0.0071135117, ' The': -5.0352926 },
    { '.': -0.5839458, '\n': -0.8152571 },
  ],
  text_offset: [34, 40],
};

describe('openai-completion detect', () => {
  it('recognises legacy completions and their streamed pieces', () => {
    expect(openAiCompletionAdapter.detect(completion(paris))).toBe(true);
    expect(openAiCompletionAdapter.detect(completion(null, {}, { finish_reason: null }))).toBe(true);
    const { object: _object, ...bare } = completion(paris);
    expect(openAiCompletionAdapter.detect(bare)).toBe(true);
  });

  it('rejects chat shapes, Batch API lines, vLLM responses with prompt_logprobs, and junk', () => {
    expect(openAiCompletionAdapter.detect({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: {}, logprobs: null }] })).toBe(false);
    expect(openAiCompletionAdapter.detect({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, logprobs: null }] })).toBe(false);
    expect(openAiCompletionAdapter.detect({ id: 'b', custom_id: 'r', response: { status_code: 200, body: completion(paris) }, error: null })).toBe(false);
    expect(openAiCompletionAdapter.detect(completion(paris, {}, { prompt_logprobs: [null, { '13': { logprob: -1, rank: 1, decoded_token: '.' } }] }))).toBe(false);
    expect(openAiCompletionAdapter.detect(completion(paris, {}, { prompt_logprobs: null }))).toBe(true);
    for (const junk of [null, 3, 'text_completion', [], {}, { choices: {} }, { choices: [] }, { choices: ['a'] }, { generated_text: 'x', details: {} }]) {
      expect(openAiCompletionAdapter.detect(junk)).toBe(false);
    }
    fc.assert(fc.property(fc.anything(), (value) => typeof openAiCompletionAdapter.detect(value) === 'boolean'));
  });

  it('is not claimed by the other OpenAI-family detectors', () => {
    const record = completion(paris);
    expect(openAiChatAdapter.detect(record)).toBe(false);
    expect(openAiChatChunkAdapter.detect(record)).toBe(false);
    expect(openAiBatchAdapter.detect(record)).toBe(false);
    expect(vllmAdapter.detect(record)).toBe(false);
  });
});

describe('openai-completion decode', () => {
  it('scores token_logprobs with top-k from the top_logprobs dicts and token text', () => {
    const [batch, ...rest] = asTokenBatches(openAiCompletionAdapter.decode(completion(paris), ctx));
    expect(rest).toHaveLength(0);
    expect(batch?.sequenceId).toBe('cmpl-9xG2kL0aB3cD5eF7gH9iJ1kL3mN5o');
    expect(batch?.segment).toBe('completion');
    expect(batch?.final).toBe(true);
    expect(Array.from(batch?.logprobs ?? [])).toEqual([-0.0071135117, -0.5839458]);
    expect(batch?.tokens).toEqual([' Paris', '.']);
    expect(batch?.bytes).toBeUndefined(); // legacy completions give no bytes
    expect(Array.from(batch?.topK?.k ?? [])).toEqual([2, 2]);
    // python3 -c "import math; print(math.exp(-0.0071135117)+math.exp(-5.0352926))"  -> 0.999416024119538
    expect(batch?.topK?.mass[0]).toBeCloseTo(0.999416024119538, 14);
    let nll = 0;
    for (const lp of batch?.logprobs ?? []) nll -= lp;
    // python3 -c "import math; print(math.fsum([0.0071135117,0.5839458]))"  -> 0.5910593116999999
    expect(nll).toBeCloseTo(0.5910593116999999, 14);
  });

  it('leaves the null first token of an echoed prompt unscored, and keeps an echo with generated tokens as completion', () => {
    const echo = {
      tokens: ['Hello', ',', ' world'],
      token_logprobs: [null, -2.7430315, -4.6519413],
      top_logprobs: [null, { ',': -2.7430315, '!': -1.4461565 }, { ' I': -2.3081913, ' world': -4.6519413 }],
      text_offset: [0, 5, 6],
    };
    const [batch] = asTokenBatches(openAiCompletionAdapter.decode(completion(echo, { usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 } }), ctx));
    expect(batch?.segment).toBe('completion');
    expect(batch?.unscored).toBe(1);
    expect(Array.from(batch?.logprobs ?? [])).toEqual([-2.7430315, -4.6519413]);
    expect(batch?.tokens).toEqual([',', ' world']);
  });

  it('scores an echo with max_tokens 0 (usage.completion_tokens 0) as prompt tokens', () => {
    const echo = {
      tokens: ['The', ' quick', ' brown'],
      token_logprobs: [null, -9.1875534, -0.52745926],
      top_logprobs: [null, { ' first': -4.0141754, ' quick': -9.1875534 }, { ' brown': -0.52745926, ' and': -3.6524592 }],
      text_offset: [0, 3, 9],
    };
    const record = completion(echo, { model: 'davinci-002', usage: { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 } });
    const [batch, ...rest] = asTokenBatches(openAiCompletionAdapter.decode(record, ctx));
    expect(rest).toHaveLength(0);
    expect(batch?.segment).toBe('prompt');
    expect(batch?.unscored).toBe(1);
    let nll = 0;
    for (const lp of batch?.logprobs ?? []) nll -= lp;
    // python3 -c "import math; print(math.fsum([9.1875534,0.52745926]))"  -> 9.715012660000001
    expect(nll).toBeCloseTo(9.715012660000001, 13);
    // the partial entropy of the listed alternatives at ' quick':
    // python3 -c "import math; print(-(math.exp(-4.0141754)*-4.0141754 + math.exp(-9.1875534)*-9.1875534))"  -> 0.07342726406224732
    expect(batch?.topK?.partialEntropy[0]).toBeCloseTo(0.07342726406224732, 14);
  });

  it('marks streamed pieces final only on the piece with a finish_reason', () => {
    const lines = readFileSync(path.join(repoRoot, 'test/fixtures/openai-completion/davinci-002-echo-stream.jsonl'), 'utf8').trim().split('\n');
    const out = lines.flatMap((line) => asTokenBatches(openAiCompletionAdapter.decode(JSON.parse(line), ctx)));
    expect(out.map((b) => [b.sequenceId, b.final, b.logprobs[0]])).toEqual([
      ['cmpl-9xH4aB1cD2eF3gH4iJ5kL6mN7oP8q', false, -0.07891953],
      ['cmpl-9xH4aB1cD2eF3gH4iJ5kL6mN7oP8q', true, -0.0009596],
    ]);
    // TGI writes finish_reason "" while streaming
    expect(asTokenBatches(openAiCompletionAdapter.decode(completion(null, {}, { finish_reason: '' }), ctx))[0]?.final).toBe(false);
  });

  it.skipIf(!tgiCompletionFixture.present)('decodes real TGI completion pieces (logprobs null, id "") from ../shared/fixtures', () => {
    const records = JSON.parse(readFileSync(tgiCompletionFixture.path, 'utf8')) as unknown[];
    const out: TokenBatch[] = [];
    records.forEach((record, i) => {
      expect(openAiCompletionAdapter.detect(record)).toBe(true);
      out.push(...asTokenBatches(openAiCompletionAdapter.decode(record, { fallbackId: `tgi.json:${i}` })));
    });
    expect(out.length).toBe(records.length);
    expect(out.every((b) => b.logprobs.length === 0)).toBe(true);
    expect(out[1]?.sequenceId).toBe('tgi.json:1#1');
  });

  it('gives an empty final batch for logprobs null, one sequence per choice', () => {
    const record = completion(null);
    record.choices.push({ text: ' Lyon.', index: 1, logprobs: paris, finish_reason: 'length' } as never);
    const out = asTokenBatches(openAiCompletionAdapter.decode(record, ctx));
    expect(out.map((b) => [b.sequenceId, b.logprobs.length, b.final])).toEqual([
      ['cmpl-9xG2kL0aB3cD5eF7gH9iJ1kL3mN5o', 0, true],
      ['cmpl-9xG2kL0aB3cD5eF7gH9iJ1kL3mN5o#1', 2, true],
    ]);
    expect(asTokenBatches(openAiCompletionAdapter.decode(completion(null, { id: '' }), ctx))[0]?.sequenceId).toBe('completions.jsonl:4');
  });

  it('accepts top_logprobs: null and null entries, and passes the -9999 sentinel through', () => {
    const [batch] = asTokenBatches(openAiCompletionAdapter.decode(completion({ tokens: ['a', 'b'], token_logprobs: [-9999.0, -1.5], top_logprobs: null, text_offset: [0, 1] }), ctx));
    expect(Array.from(batch?.logprobs ?? [])).toEqual([-9999, -1.5]);
    expect(batch?.topK).toBeUndefined();
    const [withSentinel] = asTokenBatches(openAiCompletionAdapter.decode(completion({ tokens: ['a'], token_logprobs: [0], top_logprobs: [{ a: 0, b: -9999.0 }] }), ctx));
    expect(withSentinel?.topK?.mass[0]).toBe(1);
    expect(withSentinel?.topK?.k[0]).toBe(2);
  });

  it('rejects bad values with the field path', () => {
    expectRecordError(
      () => openAiCompletionAdapter.decode(completion({ tokens: ['a', 'b'], token_logprobs: [-1, 0.5] }), ctx),
      'INVALID_LOGPROB',
      /choices\[0\]\.logprobs\.token_logprobs\[1\] is 0\.5, a positive logprob/,
    );
    expectRecordError(() => openAiCompletionAdapter.decode(completion({ token_logprobs: ['-inf'] }), ctx), 'INVALID_LOGPROB', /token_logprobs\[0\] is the string "-inf", not a number/);
    expectRecordError(() => openAiCompletionAdapter.decode(completion({ token_logprobs: [Number.NaN] }), ctx), 'INVALID_LOGPROB', /token_logprobs\[0\] is NaN/);
    expectRecordError(
      () => openAiCompletionAdapter.decode(completion({ token_logprobs: [-1], top_logprobs: [{ a: 'x' }] }), ctx),
      'INVALID_LOGPROB',
      /top_logprobs\[0\]\["a"\] is the string "x", not a number/,
    );
    expectRecordError(() => openAiCompletionAdapter.decode(completion({ tokens: ['a'] }), ctx), 'INVALID_RECORD', /choices\[0\]\.logprobs\.token_logprobs is missing, not an array/);
    expectRecordError(() => openAiCompletionAdapter.decode(completion({ tokens: ['a'], token_logprobs: [-1, -2] }), ctx), 'INVALID_RECORD', /tokens has 1 entries but .*token_logprobs has 2/);
    expectRecordError(() => openAiCompletionAdapter.decode(completion({ token_logprobs: [-1, -2], top_logprobs: [null] }), ctx), 'INVALID_RECORD', /top_logprobs has 1 entries/);
    expectRecordError(() => openAiCompletionAdapter.decode(completion({ token_logprobs: [-1], top_logprobs: [[-1]] }), ctx), 'INVALID_RECORD', /top_logprobs\[0\] is an array, not an object or null/);
    expectRecordError(() => openAiCompletionAdapter.decode(completion({ token_logprobs: {} }), ctx), 'INVALID_RECORD', /token_logprobs is an object, not an array/);
    expectRecordError(() => openAiCompletionAdapter.decode(completion([-1]), ctx), 'INVALID_RECORD', /choices\[0\]\.logprobs is an array, not an object or null/);
    expectRecordError(() => openAiCompletionAdapter.decode({ id: 'x', object: 'text_completion', choices: 'none' }, ctx), 'INVALID_RECORD', /^choices is the string "none"/);
    expectRecordError(() => openAiCompletionAdapter.decode(7, ctx), 'INVALID_RECORD', /must be an object, got number 7/);
  });

  it('either decodes or throws a RecordError on arbitrary JSON', () => {
    const records = fc
      .tuple(fc.jsonValue(), fc.jsonValue())
      .chain(([a, b]) =>
        fc.constantFrom<unknown>(completion(a), completion({ tokens: a, token_logprobs: b, top_logprobs: a }), completion({ token_logprobs: [-1], top_logprobs: [a] }), { choices: a, usage: b }),
      );
    expectRobustAdapter(openAiCompletionAdapter, records);
  });
});

describe('openai-completion with detail: full (alternatives for the audit)', () => {
  it('takes the alternatives\' texts from the keys of each top_logprobs object', () => {
    const [batch] = decodeWithDetail(openAiCompletionAdapter, completion(paris), ctx);
    // Expected: `paris.top_logprobs` above, key → value.
    expect(alternativePairs(batch)).toEqual([
      [
        [' Paris', -0.0071135117],
        [' The', -5.0352926],
      ],
      [
        ['.', -0.5839458],
        ['\n', -0.8152571],
      ],
    ]);
  });

  it('a null top_logprobs entry (the echoed first prompt token) gives no alternatives', () => {
    const echo = { tokens: ['The', ' sky'], token_logprobs: [null, -4.5], top_logprobs: [null, { ' sky': -4.5, ' cat': -2.25 }], text_offset: [0, 3] };
    const [batch] = decodeWithDetail(openAiCompletionAdapter, completion(echo, { usage: { prompt_tokens: 2, completion_tokens: 0, total_tokens: 2 } }), ctx);
    expect(batch?.segment).toBe('prompt');
    expect(alternativePairs(batch)).toEqual([
      [
        [' sky', -4.5],
        [' cat', -2.25],
      ],
    ]);
  });
});
