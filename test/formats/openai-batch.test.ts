import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/errors.js';
import { openAiBatchAdapter } from '../../src/formats/openai-batch.js';
import { openAiChatChunkAdapter } from '../../src/formats/openai-chat-chunk.js';
import { openAiChatAdapter } from '../../src/formats/openai-chat.js';
import { openAiCompletionAdapter } from '../../src/formats/openai-completion.js';
import type { FailedRequest, ScoredItem, TokenBatch } from '../../src/formats/scored-batch.js';
import { vllmAdapter } from '../../src/formats/vllm.js';
import { expectRecordError } from '../helpers/expect-record-error.js';
import { alternativePairs, decodeWithDetail } from '../helpers/decode-with-detail.js';
import { readJsonLines } from '../helpers/read-json-lines.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ctx = { fallbackId: 'batch_output.jsonl:2' };

function readLines(relative: string): unknown[] {
  return readJsonLines(path.join(repoRoot, relative));
}

function tokenBatches(items: ScoredItem[]): TokenBatch[] {
  return items.filter((i): i is TokenBatch => i.kind === 'tokens');
}

function chatBody(choices: unknown[]) {
  return {
    id: 'chatcmpl-AXkP0bQ2rT5uV7wY9zA1cD3eF5gH7',
    object: 'chat.completion',
    created: 1732294052,
    model: 'gpt-4o-mini-2024-07-18',
    choices,
    usage: { prompt_tokens: 52, completion_tokens: 2, total_tokens: 54 },
  };
}

function chatChoice(index: number, tokens: [string, number][]) {
  return {
    index,
    message: { role: 'assistant', content: tokens.map(([t]) => t).join(''), refusal: null },
    logprobs: { content: tokens.map(([token, logprob]) => ({ token, logprob, bytes: [...Buffer.from(token)], top_logprobs: [] })), refusal: null },
    finish_reason: 'stop',
  };
}

function line(customId: unknown, response: unknown, error: unknown = null) {
  return { id: 'batch_req_6740b5a1e8c48190a3a4c1e9d2f0b7c5', custom_id: customId, response, error };
}

function ok(body: unknown) {
  return { status_code: 200, request_id: '8f4b2c6e1d9a7f3b5c0e2a4d6b8f1c3e', body };
}

describe('openai-batch detect', () => {
  it('recognises output lines, error-file lines and vLLM run_batch lines', () => {
    expect(openAiBatchAdapter.detect(line('request-1', ok(chatBody([]))))).toBe(true);
    expect(openAiBatchAdapter.detect(line('request-3', null, { code: 'batch_expired', message: 'expired' }))).toBe(true);
    for (const record of readLines('test/fixtures/openai-batch/vllm-run-batch.jsonl')) expect(openAiBatchAdapter.detect(record)).toBe(true);
  });

  it('rejects batch input lines, the bodies themselves, and junk', () => {
    // a Batch API *input* line has custom_id but neither response nor error
    expect(openAiBatchAdapter.detect({ custom_id: 'request-1', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [] } })).toBe(false);
    expect(openAiBatchAdapter.detect(chatBody([]))).toBe(false);
    expect(openAiBatchAdapter.detect({ custom_id: 5, response: null, error: null })).toBe(false);
    for (const junk of [null, 0, 'custom_id', [], {}, [line('a', null)]]) expect(openAiBatchAdapter.detect(junk)).toBe(false);
    fc.assert(fc.property(fc.anything(), (value) => typeof openAiBatchAdapter.detect(value) === 'boolean'));
  });

  it('is not claimed by the other OpenAI-family detectors', () => {
    const record = line('request-1', ok(chatBody([chatChoice(0, [['Yes', -0.1]])])));
    expect(openAiChatAdapter.detect(record)).toBe(false);
    expect(openAiChatChunkAdapter.detect(record)).toBe(false);
    expect(openAiCompletionAdapter.detect(record)).toBe(false);
    expect(vllmAdapter.detect(record)).toBe(false);
  });
});

describe('openai-batch decode', () => {
  it('names sequences by custom_id (not the body id), with #index for choices > 0', () => {
    const body = chatBody([chatChoice(0, [['Positive', -0.0019293], ['.', -0.00000107]]), chatChoice(1, [['Negative', -6.25]])]);
    const items = tokenBatches(openAiBatchAdapter.decode(line('request-1', ok(body)), ctx));
    expect(items.map((b) => [b.sequenceId, b.segment, b.final, Array.from(b.logprobs)])).toEqual([
      ['request-1', 'completion', true, [-0.0019293, -0.00000107]],
      ['request-1#1', 'completion', true, [-6.25]],
    ]);
    expect(Array.from(items[0]?.bytes ?? [])).toEqual([8, 1]);
  });

  it('uses the fallback id when custom_id is empty', () => {
    const [batch] = tokenBatches(openAiBatchAdapter.decode(line('', ok(chatBody([chatChoice(0, [['a', -1]])]))), ctx));
    expect(batch?.sequenceId).toBe('batch_output.jsonl:2');
  });

  it('turns a line with an error and no response into a failed request', () => {
    const items = openAiBatchAdapter.decode(
      line('request-3', null, { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' }),
      ctx,
    );
    expect(items).toEqual([
      { kind: 'failed-request', sequenceId: 'request-3', reason: 'batch_expired: This request could not be executed before the completion window expired.' },
    ] satisfies FailedRequest[]);
    expect(openAiBatchAdapter.decode(line('request-4', undefined, { code: 'invalid_request' }), ctx)).toEqual([
      { kind: 'failed-request', sequenceId: 'request-4', reason: 'invalid_request' },
    ]);
    expect(openAiBatchAdapter.decode(line('request-5', null, {}), ctx)).toEqual([{ kind: 'failed-request', sequenceId: 'request-5', reason: 'request failed' }]);
  });

  it('turns status_code >= 400 into a failed request, with the reason from the body error, the line error or the status', () => {
    const body = { error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } };
    expect(openAiBatchAdapter.decode(line('request-4', { status_code: 400, request_id: 'c5e7', body }), ctx)).toEqual([
      { kind: 'failed-request', sequenceId: 'request-4', reason: "context_length_exceeded: This model's maximum context length is 128000 tokens." },
    ]);
    expect(openAiBatchAdapter.decode(line('r', { status_code: 429, request_id: 'x', body: null }), ctx)).toEqual([
      { kind: 'failed-request', sequenceId: 'r', reason: 'HTTP status 429' },
    ]);
  });

  it('decodes the completions endpoint and its 500 error line', () => {
    const [good, bad] = readLines('test/fixtures/openai-batch/completions-endpoint.jsonl');
    const [batch, ...rest] = tokenBatches(openAiBatchAdapter.decode(good, ctx));
    expect(rest).toHaveLength(0);
    expect(batch?.sequenceId).toBe('doc-17');
    expect(batch?.tokens).toEqual([' ', '42']);
    let nll = 0;
    for (const lp of batch?.logprobs ?? []) nll -= lp;
    // python3 -c "import math; print(math.fsum([0.4812,0.0203]))"  -> 0.5015000000000001
    expect(nll).toBeCloseTo(0.5015000000000001, 14);
    expect(openAiBatchAdapter.decode(bad, ctx)).toEqual([
      { kind: 'failed-request', sequenceId: 'doc-18', reason: 'The server had an error while processing your request. Sorry about that!' },
    ]);
  });

  it("decodes vLLM run_batch lines: prompt_logprobs in the body, string errors", () => {
    const [good, bad] = readLines('test/fixtures/openai-batch/vllm-run-batch.jsonl');
    const items = tokenBatches(openAiBatchAdapter.decode(good, ctx));
    expect(items.map((b) => [b.sequenceId, b.segment, b.logprobs.length, b.unscored])).toEqual([
      ['request-1', 'prompt', 3, 1],
      ['request-1', 'completion', 3, 0],
    ]);
    let promptNll = 0;
    for (const lp of items[0]?.logprobs ?? []) promptNll -= lp;
    // python3 -c "import math; print(math.fsum([9.5937,2.9617,4.1132]))"  -> 16.6686
    expect(promptNll).toBeCloseTo(16.6686, 13);
    expect(openAiBatchAdapter.decode(bad, ctx)).toEqual([
      {
        kind: 'failed-request',
        sequenceId: 'request-2',
        reason: "This model's maximum context length is 8192 tokens. However, you requested 9001 tokens in the messages, Please reduce the length of the messages.",
      },
    ]);
  });

  it('prefers a 2xx response over a stray error field', () => {
    const items = openAiBatchAdapter.decode(line('r', ok(chatBody([chatChoice(0, [['a', -1]])])), { code: 'x', message: 'y' }), ctx);
    expect(items.map((i) => i.kind)).toEqual(['tokens']);
  });

  it('rejects lines that cannot be scored, saying why', () => {
    expectRecordError(() => openAiBatchAdapter.decode(line('r', null, null), ctx), 'INVALID_RECORD', /response and error are both missing or null/);
    expectRecordError(() => openAiBatchAdapter.decode(line('r', 'ok'), ctx), 'INVALID_RECORD', /response is the string "ok", not an object or null/);
    expectRecordError(() => openAiBatchAdapter.decode(line('r', { status_code: '200', body: {} }), ctx), 'INVALID_RECORD', /response\.status_code is the string "200"/);
    expectRecordError(() => openAiBatchAdapter.decode(line('r', { status_code: 200 }), ctx), 'INVALID_RECORD', /response\.body is missing, not an object/);
    expectRecordError(
      () => openAiBatchAdapter.decode(line('r', ok({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1] }], model: 'text-embedding-3-small' })), ctx),
      'INVALID_RECORD',
      /response\.body \(object "list"\) is neither a chat completion nor a completion/,
    );
    expectRecordError(
      () => openAiBatchAdapter.decode(line('r', ok(chatBody([chatChoice(0, [['a', 0.5]])]))), ctx),
      'INVALID_LOGPROB',
      /response\.body\.choices\[0\]\.logprobs\.content\[0\]\.logprob is 0\.5, a positive logprob/,
    );
    expectRecordError(() => openAiBatchAdapter.decode(undefined, ctx), 'INVALID_RECORD', /must be an object/);
  });

  it('either decodes or throws a RecordError on arbitrary JSON', () => {
    const records = fc
      .tuple(fc.jsonValue(), fc.jsonValue())
      .chain(([a, b]) => fc.constantFrom<unknown>(line('r', a, b), line('r', ok(a)), line('r', { status_code: 200, body: { choices: a } }), line(a, b)));
    expectRobustAdapter(openAiBatchAdapter, records);
  });
});

describe('openai-batch with detail: full (alternatives for the audit)', () => {
  it('passes detail to the chat, completion and vLLM bodies it holds', () => {
    const chatLine = line(
      'request-1',
      ok(
        chatBody([
          {
            ...chatChoice(0, [['Yes', -0.02]]),
            logprobs: { content: [{ token: 'Yes', logprob: -0.02, bytes: null, top_logprobs: [{ token: 'Yes', logprob: -0.02, bytes: null }, { token: 'No', logprob: -4, bytes: null }] }], refusal: null },
          },
        ]),
      ),
    );
    const [chat] = decodeWithDetail(openAiBatchAdapter, chatLine, ctx);
    expect(chat?.sequenceId).toBe('request-1');
    expect(alternativePairs(chat)).toEqual([
      [
        ['Yes', -0.02],
        ['No', -4],
      ],
    ]);

    const completionBody = {
      id: 'cmpl-1',
      object: 'text_completion',
      choices: [{ index: 0, text: ' 4', finish_reason: 'length', logprobs: { tokens: [' 4'], token_logprobs: [-0.5], top_logprobs: [{ ' 4': -0.5, ' four': -1.5 }], text_offset: [0] } }],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
    };
    const [completion] = decodeWithDetail(openAiBatchAdapter, line('request-2', ok(completionBody)), ctx);
    expect(alternativePairs(completion)).toEqual([
      [
        [' 4', -0.5],
        [' four', -1.5],
      ],
    ]);

    // vLLM's run_batch line: prompt_logprobs=0 (no alternatives) and top_logprobs: [] on the completion
    const vllmLine = readLines('test/fixtures/openai-batch/vllm-run-batch.jsonl')[0];
    const [prompt, generated] = decodeWithDetail(openAiBatchAdapter, vllmLine, ctx);
    expect(prompt?.segment).toBe('prompt');
    expect(alternativePairs(prompt)).toEqual([[], [], []]);
    expect(alternativePairs(generated)).toEqual([[], [], []]);
  });
});
