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
import { chatLogprobsToBatch } from '../../src/formats/openai-logprobs.js';
import { vllmAdapter } from '../../src/formats/vllm.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { alternativePairs, decodeWithDetail } from '../helpers/decode-with-detail.js';
import { expectRecordError } from '../helpers/expect-record-error.js';
import { sharedFixture } from '../helpers/shared-fixture.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ctx = { fallbackId: 'input.jsonl:7' };
const tgiChatFixture = sharedFixture('tgi/test_flash_gemma3/test_flash_gemma3_image_cow.json', 'openai-chat: the TGI fixture test');

function bytesOf(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}

function entry(token: string, logprob: unknown, alternatives: [string, number][] = []) {
  return {
    token,
    logprob,
    bytes: bytesOf(token),
    top_logprobs: alternatives.map(([t, lp]) => ({ token: t, logprob: lp, bytes: bytesOf(t) })),
  };
}

function chat(content: unknown, extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-AZq3lbT0fO1kQ3dZg1u9m2Xy4NcPe',
    object: 'chat.completion',
    created: 1733005431,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello!', refusal: null },
        logprobs: { content, refusal: null },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    ...extra,
  };
}

describe('openai-chat detect', () => {
  it('recognises chat completions, with or without `object`', () => {
    expect(openAiChatAdapter.detect(chat([]))).toBe(true);
    const { object: _object, ...bare } = chat([]);
    expect(openAiChatAdapter.detect(bare)).toBe(true);
    const refusal: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/openai-chat/gpt-4o-refusal.json'), 'utf8'));
    expect(openAiChatAdapter.detect(refusal)).toBe(true);
  });

  it('rejects the neighbours: chunks, legacy completions, Batch API lines, vLLM responses', () => {
    expect(openAiChatAdapter.detect({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, logprobs: null }] })).toBe(false);
    expect(openAiChatAdapter.detect({ id: 'x', choices: [{ index: 0, delta: { content: 'a' } }] })).toBe(false);
    expect(openAiChatAdapter.detect({ id: 'cmpl-1', object: 'text_completion', choices: [{ text: 'a', index: 0, logprobs: null }] })).toBe(false);
    expect(openAiChatAdapter.detect({ id: 'batch_req_1', custom_id: 'r1', response: { status_code: 200, body: chat([]) }, error: null })).toBe(false);
    expect(openAiChatAdapter.detect(chat([], { prompt_logprobs: [null, { '791': { logprob: -3.1, rank: 5, decoded_token: 'The' } }] }))).toBe(false);
    // a vLLM response that did not ask for prompt logprobs is a plain chat completion
    expect(openAiChatAdapter.detect(chat([], { prompt_logprobs: null }))).toBe(true);
  });

  it('never throws on junk and says false', () => {
    for (const junk of [null, undefined, 0, -1.5, 'chat.completion', [], [chat([])], {}, { choices: 'x' }, { choices: [null] }, { choices: [] }, { object: 5 }]) {
      expect(openAiChatAdapter.detect(junk)).toBe(false);
    }
    fc.assert(fc.property(fc.anything(), (value) => typeof openAiChatAdapter.detect(value) === 'boolean'));
  });

  it('is consistent with the other OpenAI-family detectors on its own shape', () => {
    const record = chat([entry('Hi', -0.5)]);
    expect(openAiChatChunkAdapter.detect(record)).toBe(false);
    expect(openAiCompletionAdapter.detect(record)).toBe(false);
    expect(openAiBatchAdapter.detect(record)).toBe(false);
    expect(vllmAdapter.detect(record)).toBe(false);
  });
});

describe('openai-chat decode', () => {
  it('scores content tokens with bytes, top-k and text', () => {
    const record = chat([
      entry('Hello', -0.31326166, [
        ['Hello', -0.31326166],
        ['Hi', -1.3132616],
      ]),
      entry('!', -0.0010327, [['!', -0.0010327]]),
    ]);
    const [batch, ...rest] = asTokenBatches(openAiChatAdapter.decode(record, ctx));
    expect(rest).toHaveLength(0);
    expect(batch?.sequenceId).toBe('chatcmpl-AZq3lbT0fO1kQ3dZg1u9m2Xy4NcPe');
    expect(batch?.segment).toBe('completion');
    expect(batch?.final).toBe(true);
    expect(batch?.unscored).toBe(0);
    expect(Array.from(batch?.logprobs ?? [])).toEqual([-0.31326166, -0.0010327]);
    expect(Array.from(batch?.bytes ?? [])).toEqual([5, 1]);
    expect(batch?.tokens).toEqual(['Hello', '!']);
    expect(Array.from(batch?.topK?.k ?? [])).toEqual([2, 1]);
    // python3 -c "import math; print(math.exp(-0.31326166)+math.exp(-1.3132616))"  -> 1.0000000436547094
    expect(batch?.topK?.mass[0]).toBeCloseTo(1.0000000436547094, 14);
    // python3 -c "import math; print(math.exp(-0.0010327))"  -> 0.9989678330511352
    expect(batch?.topK?.mass[1]).toBeCloseTo(0.9989678330511352, 14);
  });

  it('scores refusal tokens after the content tokens, in the same completion batch', () => {
    const record = chat([entry('I', -0.25)]);
    const choice = record.choices[0] as { logprobs: { content: unknown; refusal: unknown } };
    choice.logprobs.refusal = [entry("'m", -0.5), entry(' sorry', -1.5)];
    const [batch] = asTokenBatches(openAiChatAdapter.decode(record, ctx));
    expect(Array.from(batch?.logprobs ?? [])).toEqual([-0.25, -0.5, -1.5]);
    expect(batch?.tokens).toEqual(['I', "'m", ' sorry']);
  });

  it('decodes a real-shaped gpt-4o refusal (content null, refusal listed)', () => {
    const record: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/openai-chat/gpt-4o-refusal.json'), 'utf8'));
    const [batch] = asTokenBatches(openAiChatAdapter.decode(record, ctx));
    expect(batch?.logprobs.length).toBe(9);
    let nll = 0;
    for (const lp of batch?.logprobs ?? []) nll -= lp;
    // python3 -c "import json,math; r=json.load(open('test/fixtures/openai-chat/gpt-4o-refusal.json'))['choices'][0]['logprobs']['refusal']; print(-math.fsum(e['logprob'] for e in r))"  -> 0.2835545
    expect(nll).toBeCloseTo(0.2835545, 12);
    // python3 -c "...; print(sum(len(e['bytes']) for e in r))"  -> 36
    expect(Array.from(batch?.bytes ?? []).reduce((a, b) => a + b, 0)).toBe(36);
    expect(batch?.topK?.k.every((k) => k === 2)).toBe(true);
  });

  it('gives an empty final batch for logprobs null, absent, or content null', () => {
    const nullLogprobs = chat([]);
    (nullLogprobs.choices[0] as { logprobs: unknown }).logprobs = null;
    const absent = chat([]);
    delete (absent.choices[0] as { logprobs?: unknown }).logprobs;
    for (const record of [nullLogprobs, absent, chat(null)]) {
      const [batch, ...rest] = asTokenBatches(openAiChatAdapter.decode(record, ctx));
      expect(rest).toHaveLength(0);
      expect(batch?.logprobs.length).toBe(0);
      expect(batch?.unscored).toBe(0);
      expect(batch?.final).toBe(true);
      expect(batch?.sequenceId).toBe('chatcmpl-AZq3lbT0fO1kQ3dZg1u9m2Xy4NcPe');
    }
  });

  it('one sequence per choice: id for index 0, id#index for the others', () => {
    const record = chat([entry('A', -0.1)]);
    record.choices.push({ index: 1, message: { role: 'assistant', content: 'B', refusal: null }, logprobs: { content: [entry('B', -2.3)], refusal: null }, finish_reason: 'stop' });
    const ids = asTokenBatches(openAiChatAdapter.decode(record, ctx)).map((b) => b.sequenceId);
    expect(ids).toEqual(['chatcmpl-AZq3lbT0fO1kQ3dZg1u9m2Xy4NcPe', 'chatcmpl-AZq3lbT0fO1kQ3dZg1u9m2Xy4NcPe#1']);
  });

  it('uses the fallback id when the record has no usable id (TGI writes "")', () => {
    const record = chat([entry('A', -0.1)], { id: '' });
    record.choices.push({ index: 2, message: { role: 'assistant', content: 'B', refusal: null }, logprobs: null, finish_reason: 'stop' } as never);
    expect(asTokenBatches(openAiChatAdapter.decode(record, ctx)).map((b) => b.sequenceId)).toEqual(['input.jsonl:7', 'input.jsonl:7#2']);
    const { id: _id, ...noId } = chat([]);
    expect(asTokenBatches(openAiChatAdapter.decode(noId, ctx))[0]?.sequenceId).toBe('input.jsonl:7');
  });

  it.skipIf(!tgiChatFixture.present)('decodes a real TGI chat response (logprobs null, id "") from ../shared/fixtures', () => {
    const file = tgiChatFixture.path;
    const record: unknown = JSON.parse(readFileSync(file, 'utf8'));
    expect(openAiChatAdapter.detect(record)).toBe(true);
    const [batch] = asTokenBatches(openAiChatAdapter.decode(record, ctx));
    expect(batch?.sequenceId).toBe('input.jsonl:7');
    expect(batch?.logprobs.length).toBe(0);
    expect(batch?.final).toBe(true);
  });

  it('passes sentinels and exact zeros through as scored values', () => {
    const record = chat([
      entry('{"', 0.0, [
        ['{"', 0.0],
        ['{', -9999.0],
      ]),
      entry('x', -9999.0),
      entry('y', Number.NEGATIVE_INFINITY),
      entry('z', -100),
    ]);
    const [batch] = asTokenBatches(openAiChatAdapter.decode(record, ctx));
    expect(Array.from(batch?.logprobs ?? [])).toEqual([0, -9999, Number.NEGATIVE_INFINITY, -100]);
    expect(batch?.topK?.mass[0]).toBe(1);
    expect(batch?.topK?.k[0]).toBe(2);
  });

  it('counts a null logprob as unscored', () => {
    const [batch] = asTokenBatches(openAiChatAdapter.decode(chat([entry('a', -0.5), entry('b', null), entry('c', -1)]), ctx));
    expect(Array.from(batch?.logprobs ?? [])).toEqual([-0.5, -1]);
    expect(batch?.unscored).toBe(1);
    expect(batch?.tokens).toEqual(['a', 'c']);
  });

  it('does not set top-k for an empty top_logprobs list, nor bytes for bytes: null', () => {
    const noBytes = { token: '\ufffd', logprob: -2.5, bytes: null, top_logprobs: [] };
    const [batch] = asTokenBatches(openAiChatAdapter.decode(chat([noBytes]), ctx));
    expect(batch?.topK).toBeUndefined();
    expect(batch?.bytes).toBeUndefined();
    const [mixed] = asTokenBatches(openAiChatAdapter.decode(chat([entry('a', -0.5), noBytes]), ctx));
    expect(Number.isNaN(mixed?.bytes?.[1])).toBe(true);
    expect(mixed?.bytes?.[0]).toBe(1);
  });

  it('counts bytes from the bytes array, not the text (a token can split a UTF-8 character)', () => {
    const half = { token: 'bytes:\\xf0\\x9f', logprob: -1.25, bytes: [240, 159], top_logprobs: [] };
    const [batch] = asTokenBatches(openAiChatAdapter.decode(chat([half]), ctx));
    expect(Array.from(batch?.bytes ?? [])).toEqual([2]);
  });

  it('rejects bad logprobs with the field path', () => {
    expectRecordError(() => openAiChatAdapter.decode(chat([entry('a', -0.1), entry('b', 0.25)]), ctx), 'INVALID_LOGPROB', /choices\[0\]\.logprobs\.content\[1\]\.logprob is 0\.25, a positive logprob/);
    expectRecordError(() => openAiChatAdapter.decode(chat([entry('a', 'x')]), ctx), 'INVALID_LOGPROB', /choices\[0\]\.logprobs\.content\[0\]\.logprob is the string "x", not a number/);
    expectRecordError(() => openAiChatAdapter.decode(chat([entry('a', '-0.5')]), ctx), 'INVALID_LOGPROB', /is the string "-0\.5", not a number/);
    expectRecordError(() => openAiChatAdapter.decode(chat([entry('a', Number.NaN)]), ctx), 'INVALID_LOGPROB', /content\[0\]\.logprob is NaN/);
    expectRecordError(() => openAiChatAdapter.decode(chat([entry('a', true)]), ctx), 'INVALID_LOGPROB', /is boolean true, not a number/);
    expectRecordError(() => openAiChatAdapter.decode(chat([{ token: 'a', bytes: [97] }]), ctx), 'INVALID_RECORD', /content\[0\]\.logprob is missing/);
    expectRecordError(
      () => openAiChatAdapter.decode(chat([entry('a', -0.1, [['b', 1.5]])]), ctx),
      'INVALID_LOGPROB',
      /content\[0\]\.top_logprobs\[0\]\.logprob is 1\.5, a positive logprob/,
    );
  });

  it('rejects odd structure with RecordError, never a TypeError', () => {
    expectRecordError(() => openAiChatAdapter.decode(chat('lots'), ctx), 'INVALID_RECORD', /choices\[0\]\.logprobs\.content is the string "lots", not an array or null/);
    expectRecordError(() => openAiChatAdapter.decode(chat([5]), ctx), 'INVALID_RECORD', /content\[0\] is number 5, not an object/);
    expectRecordError(() => openAiChatAdapter.decode(chat([{ token: 'a', logprob: -1, bytes: 'ab' }]), ctx), 'INVALID_RECORD', /content\[0\]\.bytes is the string "ab"/);
    expectRecordError(() => openAiChatAdapter.decode(chat([{ token: 'a', logprob: -1, top_logprobs: {} }]), ctx), 'INVALID_RECORD', /top_logprobs is an object, not an array or null/);
    expectRecordError(() => openAiChatAdapter.decode(chat([{ token: 'a', logprob: -1, top_logprobs: [null] }]), ctx), 'INVALID_RECORD', /top_logprobs\[0\] is null, not an object/);
    expectRecordError(() => openAiChatAdapter.decode({ id: 'x', object: 'chat.completion' }, ctx), 'INVALID_RECORD', /^choices is missing, not an array/);
    expectRecordError(() => openAiChatAdapter.decode({ id: 'x', choices: [[]] }, ctx), 'INVALID_RECORD', /choices\[0\] is an array, not an object/);
    expectRecordError(() => openAiChatAdapter.decode({ id: 'x', choices: [{ index: -1, logprobs: null }] }, ctx), 'INVALID_RECORD', /choices\[0\]\.index is number -1/);
    expectRecordError(() => openAiChatAdapter.decode({ id: 'x', choices: [{ index: 0, logprobs: 'none' }] }, ctx), 'INVALID_RECORD', /choices\[0\]\.logprobs is the string "none", not an object or null/);
    expectRecordError(() => openAiChatAdapter.decode(null, ctx), 'INVALID_RECORD', /must be an object/);
    expectRecordError(() => openAiChatAdapter.decode([chat([])], ctx), 'INVALID_RECORD', /must be an object, got an array/);
  });

  it('either decodes or throws a RecordError on arbitrary JSON values inside the record', () => {
    const records = fc
      .tuple(fc.jsonValue(), fc.jsonValue())
      .chain(([content, logprobs]) => fc.constantFrom<unknown>(chat(content), { id: 'x', choices: [{ index: 0, logprobs }] }, { id: 'x', choices: content }));
    expectRobustAdapter(openAiChatAdapter, records);
  });

  it('keeps every logprob it is given, in order (property)', () => {
    const logprob = fc.oneof(fc.double({ min: -50, max: 0, noNaN: true }), fc.constant(-9999), fc.constant(Number.NEGATIVE_INFINITY));
    fc.assert(
      fc.property(fc.array(logprob, { maxLength: 40 }), fc.array(logprob, { maxLength: 5 }), (content, refusal) => {
        const batch = chatLogprobsToBatch(
          { content: content.map((lp) => ({ token: 't', logprob: lp, bytes: [116], top_logprobs: [] })), refusal: refusal.map((lp) => ({ token: 'r', logprob: lp, bytes: null })) },
          's',
          true,
          'logprobs',
        );
        expect(Array.from(batch.logprobs)).toEqual([...content, ...refusal]);
        // content tokens carry bytes, refusal tokens (bytes: null) leave them unknown
        if (content.length === 0) expect(batch.bytes).toBeUndefined();
        else expect(Array.from(batch.bytes ?? [])).toEqual([...content.map(() => 1), ...refusal.map(() => Number.NaN)]);
      }),
    );
  });
});

describe('openai-chat with detail: full (alternatives for the audit)', () => {
  it("keeps each token's alternatives with their token text, content then refusal; a null alternative is left out of both", () => {
    const record = chat([
      entry('Hello', -0.31326166, [
        ['Hello', -0.31326166],
        ['Hi', -1.3132616],
      ]),
      entry('!', -0.0010327),
      {
        token: ' there',
        logprob: -2,
        bytes: null,
        top_logprobs: [
          { token: ' world', logprob: -0.5, bytes: null },
          { token: ' x', logprob: null, bytes: null },
          { token: ' there', logprob: -2, bytes: null },
        ],
      },
    ]);
    const choice = record.choices[0] as { logprobs: { content: unknown; refusal: unknown } };
    choice.logprobs.refusal = [entry(' sorry', -1.5, [[' sorry', -1.5]])];
    const [batch] = decodeWithDetail(openAiChatAdapter, record, ctx);
    // Expected: the record's top_logprobs entries as written above, nulls dropped.
    expect(alternativePairs(batch)).toEqual([
      [
        ['Hello', -0.31326166],
        ['Hi', -1.3132616],
      ],
      [],
      [
        [' world', -0.5],
        [' there', -2],
      ],
      [[' sorry', -1.5]],
    ]);
  });

  it('gives an empty batch an empty alternatives list (logprobs null)', () => {
    const record = chat([]);
    (record.choices[0] as { logprobs: unknown }).logprobs = null;
    const [batch] = decodeWithDetail(openAiChatAdapter, record, ctx);
    expect(alternativePairs(batch)).toEqual([]);
  });
});
