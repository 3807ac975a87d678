import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openAiResponsesEventsAdapter } from '../../src/formats/openai-responses-events.js';
import { xentSequenceAdapter } from '../../src/formats/xent-sequence.js';
import { asTokenBatches } from '../helpers/as-token-batches.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';
import { sharedFixture } from '../helpers/shared-fixture.js';

const ctx = { fallbackId: 's.jsonl:5' };
const delta = (item: string, logprobs: unknown) => ({ type: 'response.output_text.delta', item_id: item, output_index: 0, content_index: 0, delta: 'x', logprobs });

describe('openai-responses-events adapter', () => {
  it('scores delta events under their item id, not final; output_item.done closes the message', () => {
    const [piece] = asTokenBatches(openAiResponsesEventsAdapter.decode(delta('msg_9', [{ token: 'a', logprob: -0.5, top_logprobs: [] }]), ctx));
    expect(piece?.sequenceId).toBe('msg_9');
    expect(piece?.final).toBe(false);
    expect([...(piece?.logprobs ?? [])]).toEqual([-0.5]);
    const done = { type: 'response.output_item.done', output_index: 0, item: { id: 'msg_9', type: 'message', content: [{ type: 'output_text', logprobs: [{ token: 'a', logprob: -0.5 }] }] } };
    const [end] = asTokenBatches(openAiResponsesEventsAdapter.decode(done, ctx));
    expect(end?.sequenceId).toBe('msg_9');
    expect(end?.final).toBe(true);
    expect(end?.logprobs.length).toBe(0); // its tokens were scored from the deltas
  });

  it('does not count output_text.done or response.completed a second time', () => {
    const lp = [{ token: 'a', logprob: -0.5 }];
    const [textDone] = asTokenBatches(openAiResponsesEventsAdapter.decode({ type: 'response.output_text.done', item_id: 'm', text: 'a', logprobs: lp }, ctx));
    expect([textDone?.sequenceId, textDone?.logprobs.length, textDone?.final]).toEqual(['m', 0, false]);
    const completed = { type: 'response.completed', response: { id: 'r', object: 'response', output: [{ id: 'm', type: 'message', content: [{ type: 'output_text', logprobs: lp }] }] } };
    expect(openAiResponsesEventsAdapter.detect(completed)).toBe(true);
    expect(openAiResponsesEventsAdapter.decode(completed, ctx)).toEqual([]);
    expect(openAiResponsesEventsAdapter.decode({ type: 'response.output_item.done', item: { id: 'rs', type: 'reasoning' } }, ctx)).toEqual([]);
  });

  it('claims delta events that xent-sequence used to take (a logprobs list of objects)', () => {
    const event = delta('m', [{ token: 'a', logprob: -1 }]);
    expect(openAiResponsesEventsAdapter.detect(event)).toBe(true);
    expect(xentSequenceAdapter.detect(event)).toBe(false);
  });

  const fixture = sharedFixture('providers/openai-responses-stream.jsonl', 'openai-responses-events: the real stream');
  it.skipIf(!fixture.present)('the real gpt-4.1-nano stream: one token from the delta, none from the 8 other events', () => {
    const lines = readFileSync(fixture.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    const batches = lines.flatMap((l) => asTokenBatches(openAiResponsesEventsAdapter.decode(l, ctx)));
    const msg = 'msg_689cec4d46448195905a27fb9e12ff670f92af1765dd5aad';
    // created, in_progress: nothing; item added, part added: open; delta: 1 token; text done, part done: open; item done: closes; completed: nothing
    expect(batches.map((b) => [b.sequenceId, b.logprobs.length, b.final])).toEqual([
      [msg, 0, false],
      [msg, 0, false],
      [msg, 1, false],
      [msg, 0, false],
      [msg, 0, false],
      [msg, 0, true],
    ]);
    expect(batches[2]?.logprobs[0]).toBe(-2.9266366958618164);
    expect(batches[2]?.topK?.k[0]).toBe(5);
  });

  it('never throws anything but a RecordError', () => {
    expectRobustAdapter(openAiResponsesEventsAdapter, fc.record({ type: fc.constantFrom('response.output_text.delta', 'response.output_item.done', 'response.created'), item_id: fc.anything(), logprobs: fc.anything(), item: fc.anything() }));
  });
});
