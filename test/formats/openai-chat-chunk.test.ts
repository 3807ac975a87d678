import { readFileSync } from 'node:fs';
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

const ctx = { fallbackId: 'stream.sse:3' };

const sseFixture = sharedFixture('openai-sse/gpt-4o-chat-stream-logprobs.sse', 'openai-chat-chunk: the real SSE stream test');
const tgiStreamFixture = sharedFixture('tgi/test_completion_prompts/test_chat_openai_usage.json', 'openai-chat-chunk: the TGI chunk test');

/** The JSON records of an SSE file: `data: ` lines, without `data: [DONE]`. */
function sseRecords(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.trim() !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as unknown);
}

function chunk(choices: unknown[], id = 'chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c') {
  return { id, object: 'chat.completion.chunk', created: 1727346173, model: 'gpt-4o-2024-08-06', system_fingerprint: 'fp_5050236cbd', choices };
}

function tokenChoice(index: number, token: string, logprob: unknown, finish: string | null = null) {
  return {
    index,
    delta: { content: token },
    logprobs: { content: [{ token, logprob, bytes: [...Buffer.from(token)], top_logprobs: [] }], refusal: null },
    finish_reason: finish,
  };
}

describe('openai-chat-chunk detect', () => {
  it('recognises chunks, including the usage chunk and chunks without `object`', () => {
    expect(openAiChatChunkAdapter.detect(chunk([tokenChoice(0, 'Foo', -0.1)]))).toBe(true);
    expect(openAiChatChunkAdapter.detect({ ...chunk([]), usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })).toBe(true);
    expect(openAiChatChunkAdapter.detect({ id: 'x', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] })).toBe(true);
  });

  it('rejects the neighbours and junk, without throwing', () => {
    expect(openAiChatChunkAdapter.detect({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: {}, logprobs: null }] })).toBe(false);
    expect(openAiChatChunkAdapter.detect({ id: 'x', object: 'text_completion', choices: [{ index: 0, text: 'a', logprobs: null }] })).toBe(false);
    expect(openAiChatChunkAdapter.detect({ id: 'b', custom_id: 'r', response: null, error: { code: 'x', message: 'y' } })).toBe(false);
    for (const junk of [null, undefined, 1, 'data: [DONE]', '[DONE]', [], {}, { choices: [] }, { choices: [1] }]) {
      expect(openAiChatChunkAdapter.detect(junk)).toBe(false);
    }
    fc.assert(fc.property(fc.anything(), (value) => typeof openAiChatChunkAdapter.detect(value) === 'boolean'));
  });

  it('is not claimed by the other OpenAI-family detectors', () => {
    const record = chunk([tokenChoice(0, 'Foo', -0.1)]);
    expect(openAiChatAdapter.detect(record)).toBe(false);
    expect(openAiCompletionAdapter.detect(record)).toBe(false);
    expect(openAiBatchAdapter.detect(record)).toBe(false);
    expect(vllmAdapter.detect(record)).toBe(false);
  });
});

describe('openai-chat-chunk decode', () => {
  it.skipIf(!sseFixture.present)('decodes the real gpt-4o stream from ../shared/fixtures: 2 tokens, 4 bytes', () => {
    const records = sseRecords(readFileSync(sseFixture.path, 'utf8'));
    expect(records).toHaveLength(5);
    const items: TokenBatch[] = [];
    for (const record of records) {
      expect(openAiChatChunkAdapter.detect(record)).toBe(true);
      items.push(...asTokenBatches(openAiChatChunkAdapter.decode(record, ctx)));
    }
    // role chunk (content []), two token chunks, the finish chunk (logprobs null); the usage chunk gives nothing
    expect(items).toHaveLength(4);
    expect(new Set(items.map((b) => b.sequenceId))).toEqual(new Set(['chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c']));
    expect(items.map((b) => b.final)).toEqual([false, false, false, true]);
    let tokens = 0;
    let nll = 0;
    let bytes = 0;
    for (const batch of items) {
      tokens += batch.logprobs.length;
      for (const lp of batch.logprobs) nll -= lp;
      for (const b of batch.bytes ?? []) bytes += b;
      expect(batch.topK).toBeUndefined(); // top_logprobs: [] lists no alternatives
    }
    expect(tokens).toBe(2);
    // python3 -c "print(0.0025094282 + 0.26638845)"  -> 0.2688978782
    expect(nll).toBe(0.2688978782);
    expect(bytes).toBe(4);
    expect(items.flatMap((b) => b.tokens ?? [])).toEqual(['Foo', '!']);
  });

  it('returns nothing for the usage chunk (choices: [])', () => {
    expect(openAiChatChunkAdapter.decode({ ...chunk([]), usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } }, ctx)).toEqual([]);
  });

  it('gives an empty batch for logprobs null, final only with a finish_reason', () => {
    const [open] = asTokenBatches(openAiChatChunkAdapter.decode(chunk([{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: null }]), ctx));
    expect(open?.logprobs.length).toBe(0);
    expect(open?.final).toBe(false);
    const [closed] = asTokenBatches(openAiChatChunkAdapter.decode(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }]), ctx));
    expect(closed?.final).toBe(true);
    // TGI streams write finish_reason "" while streaming; vLLM may leave it out
    const [tgi] = asTokenBatches(openAiChatChunkAdapter.decode(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: '' }]), ctx));
    expect(tgi?.final).toBe(false);
    const [absent] = asTokenBatches(openAiChatChunkAdapter.decode(chunk([{ index: 0, delta: {}, logprobs: null }]), ctx));
    expect(absent?.final).toBe(false);
  });

  it('keeps interleaved choices apart: id for index 0, id#index for the others', () => {
    const pieces = [
      chunk([tokenChoice(0, 'Paris', -0.0000046)]),
      chunk([tokenChoice(1, 'The', -12.3125)]),
      chunk([tokenChoice(0, '.', -0.20141, 'stop')]),
      chunk([tokenChoice(1, ' capital', -0.0009115, 'length')]),
    ];
    const out = pieces.flatMap((p) => asTokenBatches(openAiChatChunkAdapter.decode(p, ctx)));
    expect(out.map((b) => [b.sequenceId, b.final, b.logprobs[0]])).toEqual([
      ['chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c', false, -0.0000046],
      ['chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c#1', false, -12.3125],
      ['chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c', true, -0.20141],
      ['chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c#1', true, -0.0009115],
    ]);
  });

  it('handles several choices in one chunk', () => {
    const out = asTokenBatches(openAiChatChunkAdapter.decode(chunk([tokenChoice(0, 'a', -1), tokenChoice(1, 'b', -2, 'stop')]), ctx));
    expect(out.map((b) => b.sequenceId)).toEqual(['chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c', 'chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c#1']);
    expect(out.map((b) => b.final)).toEqual([false, true]);
  });

  it.skipIf(!tgiStreamFixture.present)('decodes real TGI chat chunks (logprobs null, id "") from ../shared/fixtures with the fallback id', () => {
    const records = JSON.parse(readFileSync(tgiStreamFixture.path, 'utf8')) as unknown[];
    const out: TokenBatch[] = [];
    records.forEach((record, i) => {
      expect(openAiChatChunkAdapter.detect(record)).toBe(true);
      out.push(...asTokenBatches(openAiChatChunkAdapter.decode(record, { fallbackId: `tgi.json:${i}` })));
    });
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((b) => b.logprobs.length === 0 && b.sequenceId.startsWith('tgi.json:'))).toBe(true);
    expect(out.filter((b) => b.final)).toHaveLength(1);
  });

  it('rejects bad logprobs and odd structure with the field path', () => {
    expectRecordError(() => openAiChatChunkAdapter.decode(chunk([tokenChoice(0, 'a', 3)]), ctx), 'INVALID_LOGPROB', /choices\[0\]\.logprobs\.content\[0\]\.logprob is 3, a positive logprob/);
    expectRecordError(() => openAiChatChunkAdapter.decode(chunk([tokenChoice(0, 'a', 'NaN')]), ctx), 'INVALID_LOGPROB', /logprob is the string "NaN", not a number/);
    expectRecordError(() => openAiChatChunkAdapter.decode(chunk([tokenChoice(0, 'a', Number.NaN)]), ctx), 'INVALID_LOGPROB', /logprob is NaN/);
    expectRecordError(() => openAiChatChunkAdapter.decode({ id: 'x', object: 'chat.completion.chunk', choices: null }, ctx), 'INVALID_RECORD', /^choices is null, not an array/);
    expectRecordError(
      () => openAiChatChunkAdapter.decode(chunk([{ index: 0, delta: {}, logprobs: { content: 7 }, finish_reason: null }]), ctx),
      'INVALID_RECORD',
      /choices\[0\]\.logprobs\.content is number 7/,
    );
    expectRecordError(() => openAiChatChunkAdapter.decode('data: {}', ctx), 'INVALID_RECORD', /must be an object/);
  });

  it('either decodes or throws a RecordError on arbitrary JSON', () => {
    const records = fc
      .jsonValue()
      .chain((value) => fc.constantFrom<unknown>(value, chunk([value]), chunk([{ index: 0, delta: {}, logprobs: value, finish_reason: null }])));
    expectRobustAdapter(openAiChatChunkAdapter, records);
  });
});

describe('openai-chat-chunk with detail: full (alternatives for the audit)', () => {
  it("keeps each streamed token's alternatives with their text, per choice", () => {
    const withTop = (index: number, token: string, logprob: number, top: [string, number][]) => ({
      ...tokenChoice(index, token, logprob),
      logprobs: { content: [{ token, logprob, bytes: null, top_logprobs: top.map(([t, lp]) => ({ token: t, logprob: lp, bytes: null })) }], refusal: null },
    });
    const record = chunk([
      withTop(0, 'Foo', -0.25, [
        ['Foo', -0.25],
        ['Bar', -1.75],
      ]),
      withTop(1, 'Baz', -3, [['Qux', -0.125]]),
    ]);
    const batches = decodeWithDetail(openAiChatChunkAdapter, record, ctx);
    expect(batches.map((b) => b.sequenceId)).toEqual(['chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c', 'chatcmpl-ABfw5EzoqmfXjnnsXY7Yd8OC6tb3c#1']);
    expect(batches.map(alternativePairs)).toEqual([
      [
        [
          ['Foo', -0.25],
          ['Bar', -1.75],
        ],
      ],
      [[['Qux', -0.125]]],
    ]);
  });

  it('a token with top_logprobs: [] has no alternatives', () => {
    const [batch] = decodeWithDetail(openAiChatChunkAdapter, chunk([tokenChoice(0, 'Foo', -0.1)]), ctx);
    expect(alternativePairs(batch)).toEqual([[]]);
  });
});
