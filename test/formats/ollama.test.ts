import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ollamaAdapter } from '../../src/formats/ollama.js';
import { xentSequenceAdapter } from '../../src/formats/xent-sequence.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { expectRecordError } from '../helpers/expect-record-error.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const ctx = { fallbackId: 'o.jsonl:4' };

describe('ollama adapter', () => {
  it('reads a whole /api/generate answer as one final sequence named after its line, with bytes and top-k', () => {
    const record = {
      model: 'llama3.2',
      created_at: '2025-11-01T12:46:02Z',
      response: 'Paris.',
      done: true,
      logprobs: [
        { token: 'Paris', logprob: -0.25, bytes: [80, 97, 114, 105, 115], top_logprobs: [{ token: 'Paris', logprob: -0.25 }, { token: 'Lyon', logprob: -3 }] },
        { token: '.', logprob: -0.5 },
      ],
    };
    expect(ollamaAdapter.detect(record)).toBe(true);
    expect(xentSequenceAdapter.detect(record)).toBe(false);
    const [batch] = asTokenBatches(ollamaAdapter.decode(record, ctx));
    expect(batch?.sequenceId).toBe('o.jsonl:4');
    expect(batch?.final).toBe(true);
    expect([...(batch?.logprobs ?? [])]).toEqual([-0.25, -0.5]);
    expect(batch?.bytes?.[0]).toBe(5);
    expect(Number.isNaN(batch?.bytes?.[1])).toBe(true);
    expect(batch?.topK?.k[0]).toBe(2);
  });

  it('joins /api/chat stream pieces per file and model; the done object closes them', () => {
    const piece = (content: string, done: boolean, logprobs?: unknown) => ({ model: 'qwen3', created_at: 't', message: { role: 'assistant', content }, done, logprobs });
    const batches = [piece('Hi', false, [{ token: 'Hi', logprob: -1 }]), piece('!', false, [{ token: '!', logprob: -2 }]), piece('', true)].flatMap((r) =>
      asTokenBatches(ollamaAdapter.decode(r, { fallbackId: 'dir/o.jsonl:9' })),
    );
    expect(batches.map((b) => [b.sequenceId, b.logprobs.length, b.final])).toEqual([
      ['dir/o.jsonl ollama qwen3', 1, false],
      ['dir/o.jsonl ollama qwen3', 1, false],
      ['dir/o.jsonl ollama qwen3', 0, true],
    ]);
  });

  it('names the entry whose logprob is wrong', () => {
    expectRecordError(
      () => ollamaAdapter.decode({ model: 'm', response: 'a', done: true, logprobs: [{ token: 'a', logprob: 'x' }] }, ctx),
      'INVALID_LOGPROB',
      /logprobs\[0\]\.logprob/,
    );
  });

  it('never throws anything but a RecordError', () => {
    expectRobustAdapter(ollamaAdapter, fc.record({ model: fc.string(), done: fc.boolean(), response: fc.anything(), message: fc.anything(), logprobs: fc.anything() }));
  });
});
