import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openAiResponsesAdapter } from '../../src/formats/openai-responses.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { expectRecordError } from '../helpers/expect-record-error.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const ctx = { fallbackId: 'r.jsonl:1' };
const entry = (token: string, logprob: number, top: [string, number][] = []) => ({
  token,
  logprob,
  bytes: [...Buffer.from(token)],
  top_logprobs: top.map(([t, lp]) => ({ token: t, logprob: lp, bytes: [...Buffer.from(t)] })),
});

function response(output: unknown[]) {
  return { id: 'resp_1', object: 'response', status: 'completed', model: 'gpt-4.1-nano', output };
}

describe('openai-responses adapter', () => {
  it('joins a message’s output_text parts into one final completion sequence with bytes and top-k', () => {
    const record = response([
      { id: 'rs_0', type: 'reasoning', summary: [] },
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'Hé', logprobs: [entry('H', -0.25, [['H', -0.25], ['Y', -2]]), entry('é', -1.5)] },
          { type: 'refusal', refusal: 'no' },
          { type: 'output_text', text: '!', logprobs: [entry('!', -0.125)] },
        ],
      },
    ]);
    expect(openAiResponsesAdapter.detect(record)).toBe(true);
    const batches = asTokenBatches(openAiResponsesAdapter.decode(record, ctx));
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch?.sequenceId).toBe('resp_1#1'); // output index 1: the reasoning item is index 0
    expect(batch?.final).toBe(true);
    expect([...(batch?.logprobs ?? [])]).toEqual([-0.25, -1.5, -0.125]);
    expect([...(batch?.bytes ?? [])]).toEqual([1, 2, 1]);
    expect([...(batch?.topK?.k ?? [])]).toEqual([2, 0, 0]);
  });

  it('gives an empty sequence for a message asked without logprobs, and reads a forced response.completed event', () => {
    const plain = response([{ id: 'm', type: 'message', content: [{ type: 'output_text', text: 'x', annotations: [] }] }]);
    const [empty] = asTokenBatches(openAiResponsesAdapter.decode(plain, ctx));
    expect(empty?.logprobs.length).toBe(0);
    const wrapped = { type: 'response.completed', response: response([{ id: 'm', type: 'message', content: [{ type: 'output_text', logprobs: [entry('a', -1)] }] }]) };
    expect(openAiResponsesAdapter.detect(wrapped)).toBe(false);
    const [batch] = asTokenBatches(openAiResponsesAdapter.decode(wrapped, ctx));
    expect([...(batch?.logprobs ?? [])]).toEqual([-1]);
    expect(batch?.sequenceId).toBe('resp_1');
  });

  it('names the entry whose logprob cannot be read', () => {
    const record = response([{ id: 'm', type: 'message', content: [{ type: 'output_text', logprobs: [{ token: 'a' }] }] }]);
    expectRecordError(() => openAiResponsesAdapter.decode(record, ctx), 'INVALID_RECORD', /output\[0\]\.content\[0\]\.logprobs\[0\]\.logprob is missing/);
  });

  it('never throws anything but a RecordError', () => {
    expectRobustAdapter(openAiResponsesAdapter, fc.record({ object: fc.constant('response'), id: fc.anything(), output: fc.array(fc.record({ type: fc.constant('message'), content: fc.anything() })) }));
  });
});
