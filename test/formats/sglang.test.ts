import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sglangAdapter } from '../../src/formats/sglang.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { expectRecordError } from '../helpers/expect-record-error.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const ctx = { fallbackId: 'sg.jsonl:2' };

function answer(meta: Record<string, unknown>) {
  return { text: ' Paris.', meta_info: { id: 'abc', finish_reason: { type: 'length', length: 2 }, prompt_tokens: 3, ...meta } };
}

describe('sglang adapter', () => {
  it('reads input logprobs as the prompt (first one unscored) and output logprobs as the completion, with top-k', () => {
    const record = answer({
      input_token_logprobs: [[null, 1, null], [-0.5, 2, 'The']],
      output_token_logprobs: [[-0.25, 3, ' Paris'], [-1, 4, '.']],
      output_top_logprobs: [[[-0.25, 3, ' Paris'], [-2, 5, ' Rome']], null],
    });
    expect(sglangAdapter.detect(record)).toBe(true);
    const [prompt, completion] = asTokenBatches(sglangAdapter.decode(record, ctx));
    expect(prompt?.segment).toBe('prompt');
    expect(prompt?.unscored).toBe(1);
    expect([...(prompt?.logprobs ?? [])]).toEqual([-0.5]);
    expect(completion?.segment).toBe('completion');
    expect(completion?.sequenceId).toBe('abc');
    expect([...(completion?.logprobs ?? [])]).toEqual([-0.25, -1]);
    expect(completion?.tokens).toEqual([' Paris', '.']);
    expect([...(completion?.topK?.k ?? [])]).toEqual([2, 0]);
  });

  it('scores a stream only from its last chunk, the one with a finish_reason (chunks repeat every token so far)', () => {
    const chunk = (n: number, finish: unknown) => ({
      text: 'x'.repeat(n),
      meta_info: { id: 's1', finish_reason: finish, output_token_logprobs: Array.from({ length: n }, (_, i) => [-(i + 1) / 8, i, null]) },
    });
    const batches = [chunk(1, null), chunk(2, null), chunk(3, { type: 'stop' })].flatMap((c) => asTokenBatches(sglangAdapter.decode(c, ctx)));
    expect(batches.map((b) => [b.sequenceId, b.logprobs.length, b.final])).toEqual([
      ['s1', 0, false],
      ['s1', 0, false],
      ['s1', 3, true],
    ]);
  });

  it('makes the last chunk of an incremental stream (fewer logprobs than completion_tokens) a bad record', () => {
    const last = answer({ completion_tokens: 3, output_token_logprobs: [[-1, 9, null]] });
    expectRecordError(() => sglangAdapter.decode(last, ctx), 'INVALID_RECORD', /completion_tokens is 3 but output_token_logprobs has 1: the last chunk of an incremental stream/);
    const whole = answer({ completion_tokens: 1, output_token_logprobs: [[-1, 9, null]] });
    expect(asTokenBatches(sglangAdapter.decode(whole, ctx))[0]?.logprobs.length).toBe(1);
  });

  it('rejects a tuple that is not [logprob, id, text] and a top-k list of another length', () => {
    expectRecordError(() => sglangAdapter.decode(answer({ output_token_logprobs: [{ logprob: -1 }] }), ctx), 'INVALID_RECORD', /output_token_logprobs\[0\] is an object, not a \[logprob, token_id, text\] tuple/);
    expectRecordError(() => sglangAdapter.decode(answer({ output_token_logprobs: [[0.5, 1, null]] }), ctx), 'INVALID_LOGPROB', /output_token_logprobs\[0\]\[0\].*positive/);
    expectRecordError(() => sglangAdapter.decode(answer({ output_token_logprobs: [[-1, 1, null]], output_top_logprobs: [] }), ctx), 'INVALID_RECORD', /output_top_logprobs has 0 entries/);
  });

  it('never throws anything but a RecordError', () => {
    expectRobustAdapter(sglangAdapter, fc.record({ meta_info: fc.record({ id: fc.anything(), finish_reason: fc.anything(), output_token_logprobs: fc.array(fc.anything()), input_token_logprobs: fc.anything(), output_top_logprobs: fc.anything() }) }));
  });
});
