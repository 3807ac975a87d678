import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geminiAdapter } from '../../src/formats/gemini.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { expectRecordError } from '../helpers/expect-record-error.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const ctx = { fallbackId: 'g.jsonl:3' };

function response(candidates: unknown[], extra: Record<string, unknown> = {}) {
  return { candidates, usageMetadata: { promptTokenCount: 4 }, modelVersion: 'gemini-2.0-flash', ...extra };
}

describe('gemini adapter', () => {
  it('reads chosenCandidates as completion tokens and topCandidates as their alternatives', () => {
    const record = response(
      [
        {
          content: { parts: [{ text: 'Hi there' }], role: 'model' },
          finishReason: 'STOP',
          logprobsResult: {
            chosenCandidates: [
              { token: 'Hi', logProbability: -0.5 },
              { token: ' there', logProbability: -1.25 },
            ],
            topCandidates: [
              { candidates: [{ token: 'Hi', logProbability: -0.5 }, { token: 'Hello', logProbability: -1 }] },
              { candidates: [{ token: ' there', logProbability: -1.25 }] },
            ],
          },
        },
      ],
      { responseId: 'resp-7' },
    );
    expect(geminiAdapter.detect(record)).toBe(true);
    const [batch] = asTokenBatches(geminiAdapter.decode(record, ctx));
    expect(batch?.sequenceId).toBe('resp-7');
    expect(batch?.segment).toBe('completion');
    expect(batch?.final).toBe(true);
    expect([...(batch?.logprobs ?? [])]).toEqual([-0.5, -1.25]);
    expect(batch?.tokens).toEqual(['Hi', ' there']);
    expect([...(batch?.topK?.k ?? [])]).toEqual([2, 1]);
    // exp(-0.5) + exp(-1): the listed mass at the first token.
    expect(batch?.topK?.mass[0]).toBeCloseTo(Math.exp(-0.5) + Math.exp(-1), 15);
  });

  it('takes a missing logProbability as 0 (protobuf JSON leaves defaults out) and names candidates by index', () => {
    const record = response([
      { finishReason: 'STOP', logprobsResult: { chosenCandidates: [{ token: 'a' }, { token: 'b', logProbability: -2 }] } },
      { index: 1, logprobsResult: { chosenCandidates: [{ token: 'c', logProbability: -3 }] } },
    ]);
    const [first, second] = asTokenBatches(geminiAdapter.decode(record, ctx));
    expect([...(first?.logprobs ?? [])]).toEqual([0, -2]);
    expect(first?.sequenceId).toBe('g.jsonl:3');
    expect(second?.sequenceId).toBe('g.jsonl:3#1');
    expect(second?.final).toBe(false); // a stream chunk before its finishReason
  });

  it('makes a candidate with avgLogprobs but no logprobsResult a bad record that says how to ask', () => {
    const record = response([{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP', avgLogprobs: -0.3 }]);
    expectRecordError(() => geminiAdapter.decode(record, ctx), 'INVALID_RECORD', /avgLogprobs but no logprobsResult.*responseLogprobs: true/);
    const summed = response([{ finishReason: 'STOP', logprobsResult: { logProbabilitySum: -2.5 } }]);
    expectRecordError(() => geminiAdapter.decode(summed, ctx), 'INVALID_RECORD', /logProbabilitySum -2.5 but no chosenCandidates/);
  });

  it('rejects a positive logProbability and a topCandidates list of another length', () => {
    expectRecordError(
      () => geminiAdapter.decode(response([{ logprobsResult: { chosenCandidates: [{ token: 'a', logProbability: 0.5 }] } }]), ctx),
      'INVALID_LOGPROB',
      /chosenCandidates\[0\]\.logProbability.*positive/,
    );
    expectRecordError(
      () => geminiAdapter.decode(response([{ logprobsResult: { chosenCandidates: [{ token: 'a' }], topCandidates: [] } }]), ctx),
      'INVALID_RECORD',
      /topCandidates has 0 entries but chosenCandidates has 1/,
    );
  });

  it('reads a Vertex AI batch prediction line as the response it wraps', () => {
    const line = {
      status: '',
      request: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { responseLogprobs: true } },
      response: response([{ finishReason: 'STOP', logprobsResult: { chosenCandidates: [{ token: 'Hello', logProbability: -0.75 }] } }], { responseId: 'b-1' }),
    };
    expect(geminiAdapter.detect(line)).toBe(true);
    const [batch] = asTokenBatches(geminiAdapter.decode(line, ctx));
    expect(batch?.sequenceId).toBe('b-1');
    expect([...(batch?.logprobs ?? [])]).toEqual([-0.75]);
    const bad = { request: {}, response: response([{ avgLogprobs: -1 }]) };
    expectRecordError(() => geminiAdapter.decode(bad, ctx), 'INVALID_RECORD', /^response\.candidates\[0\] has avgLogprobs/);
  });

  it('does not claim records of other shapes; never throws anything but a RecordError', () => {
    expect(geminiAdapter.detect({ candidates: [1] })).toBe(false);
    expect(geminiAdapter.detect({ choices: [] })).toBe(false);
    expectRobustAdapter(geminiAdapter, fc.record({ candidates: fc.array(fc.anything()), responseId: fc.anything() }));
  });
});
