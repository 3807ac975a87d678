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
import { readJsonLines } from '../helpers/read-json-lines.js';
import { expectRobustAdapter } from '../helpers/expect-robust-adapter.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ctx = { fallbackId: 'vllm.jsonl:9' };

function sampleLines(): Record<string, unknown>[] {
  return readJsonLines<Record<string, unknown>>(path.join(repoRoot, 'samples/vllm-completions.jsonl'));
}

function chatFixture(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/vllm/chat-prompt-logprobs-k2.json'), 'utf8')) as Record<string, unknown>;
}

type Entry = [id: number, logprob: unknown, rank: unknown, text?: string];

/** One prompt_logprobs position written as vLLM writes it: {"<id>": {logprob, rank, decoded_token}}. */
function pos(...entries: Entry[]): Record<string, unknown> {
  return Object.fromEntries(entries.map(([id, logprob, rank, text]) => [String(id), { logprob, rank, decoded_token: text ?? `t${id}` }]));
}

function completion(promptLogprobs: unknown, choiceExtra: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    id: 'cmpl-5f1c8e2a9b0d4c7e8f3a6b1d2e9c0f4a',
    object: 'text_completion',
    created: 1747301120,
    model: 'meta-llama/Llama-3.1-8B',
    choices: [
      { index: 0, text: ' Paris', logprobs: null, finish_reason: 'length', stop_reason: null, token_ids: null, prompt_logprobs: promptLogprobs, prompt_token_ids: null, ...choiceExtra },
    ],
    usage: { prompt_tokens: 3, total_tokens: 4, completion_tokens: 1 },
    ...extra,
  };
}

function nllOf(batch: TokenBatch | undefined): number {
  let nll = 0;
  for (const lp of batch?.logprobs ?? []) nll -= lp;
  return nll;
}

describe('vllm detect', () => {
  it('is true exactly when prompt_logprobs is present and non-null (choices[] for completions, top level for chat)', () => {
    for (const record of sampleLines()) expect(vllmAdapter.detect(record)).toBe(true);
    expect(vllmAdapter.detect(chatFixture())).toBe(true);
    expect(vllmAdapter.detect(completion(null))).toBe(false);
    expect(vllmAdapter.detect(completion(undefined))).toBe(false);
    expect(vllmAdapter.detect({ ...chatFixture(), prompt_logprobs: null })).toBe(false);
  });

  it('says false on plain OpenAI shapes and junk, without throwing', () => {
    expect(vllmAdapter.detect({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: {}, logprobs: null }] })).toBe(false);
    expect(vllmAdapter.detect({ id: 'x', object: 'chat.completion.chunk', choices: [] })).toBe(false);
    expect(vllmAdapter.detect({ custom_id: 'r', response: { status_code: 200, body: chatFixture() }, error: null })).toBe(false);
    for (const junk of [null, 2, 'prompt_logprobs', [], {}, { choices: null }, { choices: [null] }]) expect(vllmAdapter.detect(junk)).toBe(false);
    fc.assert(fc.property(fc.anything(), (value) => typeof vllmAdapter.detect(value) === 'boolean'));
  });

  it('is the only OpenAI-family detector that claims a response with prompt_logprobs', () => {
    for (const record of [...sampleLines(), chatFixture()]) {
      expect(openAiChatAdapter.detect(record)).toBe(false);
      expect(openAiCompletionAdapter.detect(record)).toBe(false);
      expect(openAiChatChunkAdapter.detect(record)).toBe(false);
      expect(openAiBatchAdapter.detect(record)).toBe(false);
    }
  });
});

describe('vllm decode: which entry is the prompt token', () => {
  it('prompt_logprobs=0: the only entry, whatever its rank; first position null is unscored', () => {
    const [line] = sampleLines();
    const [prompt, gen, ...rest] = asTokenBatches(vllmAdapter.decode(line, ctx));
    expect(rest).toHaveLength(0);
    expect(prompt?.segment).toBe('prompt');
    expect(prompt?.sequenceId).toBe('cmpl-5f1c8e2a9b0d4c7e8f3a6b1d2e9c0f4a');
    expect(prompt?.unscored).toBe(1);
    expect(prompt?.tokens).toEqual(['The', ' capital', ' of', ' France', ' is']);
    // python3 -c "import math; print(math.fsum([8.7231,6.9105,0.2519,3.0702,0.3326]))"  -> 19.2883
    expect(nllOf(prompt)).toBeCloseTo(19.2883, 13);
    expect(prompt?.topK).toBeUndefined(); // k = 0: no alternatives were asked for
    expect(gen?.segment).toBe('completion');
    expect(Array.from(gen?.logprobs ?? [])).toEqual([-0.2935, -1.2907]);
    expect(prompt?.final && gen?.final).toBe(true);
  });

  it('prompt_logprobs=1: the appended entry (rank > k) when the token is outside the top-1, k read from the dict sizes', () => {
    const [, line] = sampleLines();
    const [prompt, gen] = asTokenBatches(vllmAdapter.decode(line, ctx));
    expect(prompt?.tokens).toEqual(['Water', ' bo', 'ils', ' at', ' ', '100']);
    // python3 -c "import math; print(math.fsum([10.1383,4.4921,0.0006,0.5328,0.2476,0.0458]))"  -> 15.457199999999998
    expect(nllOf(prompt)).toBeCloseTo(15.457199999999998, 13);
    // top-1 alternatives: the listed top-1 entry, not the appended prompt token
    expect(Array.from(prompt?.topK?.k ?? [])).toEqual([1, 1, 1, 1, 1, 1]);
    // python3 -c "import math; print(math.exp(-2.6226), math.exp(-1.5171))"  -> 0.07261382124463532 0.21934707199753312
    expect(prompt?.topK?.mass[0]).toBeCloseTo(0.07261382124463532, 15);
    expect(prompt?.topK?.mass[1]).toBeCloseTo(0.21934707199753312, 15);
    expect(gen?.logprobs.length).toBe(0); // logprobs: null on the choice
  });

  it('uses prompt_token_ids when given: tokens inside a top-2 are found too (chat: top-level prompt_logprobs)', () => {
    const items = asTokenBatches(vllmAdapter.decode(chatFixture(), ctx));
    expect(items.map((b) => [b.sequenceId, b.segment, b.logprobs.length, b.unscored])).toEqual([
      ['chatcmpl-b7e1c9a3f5d24e8b9c0a1f3e5d7b9c2a', 'prompt', 11, 1],
      ['chatcmpl-b7e1c9a3f5d24e8b9c0a1f3e5d7b9c2a', 'completion', 3, 0],
      ['chatcmpl-b7e1c9a3f5d24e8b9c0a1f3e5d7b9c2a#1', 'completion', 2, 0],
    ]);
    const prompt = items[0];
    expect(prompt?.tokens?.slice(0, 7)).toEqual(['<|start_header_id|>', 'user', '<|end_header_id|>', '\n\n', 'Hi', '!', '<|eot_id|>']);
    // python3 -c "import math; print(-math.fsum([-0.0152,-2.3,-2e-05,-0.0009,-8.4,-1.05,-0.91,-1e-05,-0.0004,-3e-06,-0.0002]))"  -> 12.676733
    expect(nllOf(prompt)).toBeCloseTo(12.676733, 13);
    expect(Array.from(prompt?.topK?.k ?? [])).toEqual(new Array(11).fill(2));
    // 'user' sits inside the top-2: alternatives are both entries
    // python3 -c "import math; print(math.exp(-0.11)+math.exp(-2.3))"  -> 0.996092979019332
    expect(prompt?.topK?.mass[1]).toBeCloseTo(0.996092979019332, 15);
    // 'Hi' was appended (rank 95): alternatives are the two top-2 entries only
    // python3 -c "import math; print(math.exp(-2.1)+math.exp(-2.4))"  -> 0.21317438154239443
    expect(prompt?.topK?.mass[4]).toBeCloseTo(0.21317438154239443, 15);
    // python3 -c "import math; print(math.fsum([0.3312,0.1427,0.0031]), math.fsum([3.0811,1.6402]))"  -> 0.477 4.7213
    expect(nllOf(items[1])).toBeCloseTo(0.477, 14);
    expect(nllOf(items[2])).toBeCloseTo(4.7213, 14);
  });

  it('rejects a record where a token inside the top-k cannot be told apart without prompt_token_ids', () => {
    const record = chatFixture();
    delete record.prompt_token_ids;
    expectRecordError(
      () => vllmAdapter.decode(record, ctx),
      'INVALID_RECORD',
      /^prompt_logprobs\[1\] lists 2 tokens \(ranks 1, 2\) and prompt_token_ids is absent, so the prompt token among them cannot be identified .*prompt_logprobs=0 or return_token_ids=true/,
    );
    // every dict of the same size with ranks 1..n: k could be n-1 or n
    expectRecordError(
      () => vllmAdapter.decode(completion([null, pos([5, -1.2, 2], [7, -0.4, 1]), pos([9, -0.3, 1], [3, -2.2, 2])]), ctx),
      'INVALID_RECORD',
      /choices\[0\]\.prompt_logprobs\[1\] lists 2 tokens \(ranks 1, 2\) and choices\[0\]\.prompt_token_ids is absent/,
    );
  });

  it('settles k from a rank above the dict size (token appended outside the top-k), then resolves rank k+1 entries', () => {
    // position 1 shows rank 40 > 2 entries: k = 1, so at position 2 the rank-2 entry is the appended prompt token
    const record = completion([null, pos([11, -6.1, 40, 'a'], [12, -0.2, 1, 'b']), pos([21, -1.9, 2, 'c'], [22, -0.3, 1, 'd'])]);
    const [prompt] = asTokenBatches(vllmAdapter.decode(record, ctx));
    expect(prompt?.tokens).toEqual(['a', 'c']);
    expect(Array.from(prompt?.logprobs ?? [])).toEqual([-6.1, -1.9]);
    expect(Array.from(prompt?.topK?.k ?? [])).toEqual([1, 1]);
  });

  it('settles k from a known prompt token ranked below the dict size', () => {
    // ids say position 1's token has rank 1 in a 2-entry dict: k = 2, so the sizes-2 dicts are whole top-2 lists
    const record = completion([null, pos([11, -0.2, 1, 'a'], [12, -2.1, 2, 'b']), pos([21, -1.9, 2, 'c'], [22, -0.3, 1, 'd'])], { prompt_token_ids: [1, 11, 21] });
    const [prompt] = asTokenBatches(vllmAdapter.decode(record, ctx));
    expect(prompt?.tokens).toEqual(['a', 'c']);
    expect(Array.from(prompt?.topK?.k ?? [])).toEqual([2, 2]);
  });
});

describe('vllm decode: segments and sequences', () => {
  it('skips the echoed prompt in the completion logprobs (echo=true repeats prompt_logprobs)', () => {
    const line = sampleLines()[3];
    const [prompt, gen, ...rest] = asTokenBatches(vllmAdapter.decode(line, ctx));
    expect(rest).toHaveLength(0);
    expect(prompt?.tokens).toEqual(['Hello', ' world']);
    expect(prompt?.unscored).toBe(1);
    expect(gen?.tokens).toEqual(['!', '\n']);
    expect(Array.from(gen?.logprobs ?? [])).toEqual([-1.8841, -0.8133]);
    expect(gen?.unscored).toBe(0);
  });

  it('gives every completion choice its own prompt batch (id#index) and uses the fallback id when id is missing', () => {
    const record = completion([null, pos([11, -0.7, 1])], {}, { id: '' });
    record.choices.push({ ...record.choices[0], index: 1 } as never);
    const items = asTokenBatches(vllmAdapter.decode(record, ctx));
    expect(items.map((b) => [b.sequenceId, b.segment])).toEqual([
      ['vllm.jsonl:9', 'prompt'],
      ['vllm.jsonl:9', 'completion'],
      ['vllm.jsonl:9#1', 'prompt'],
      ['vllm.jsonl:9#1', 'completion'],
    ]);
  });

  it('passes the -9999.0 that vLLM writes for -inf through as a scored value', () => {
    const [prompt] = asTokenBatches(vllmAdapter.decode(completion([null, pos([11, -9999.0, 128000])]), ctx));
    expect(Array.from(prompt?.logprobs ?? [])).toEqual([-9999]);
  });

  it('keeps a chat chunk carrying prompt_logprobs open: the prompt batch is not final either', () => {
    const record = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      prompt_logprobs: [null, pos([11, -0.7, 1])],
    };
    const items = asTokenBatches(vllmAdapter.decode(record, ctx));
    expect(items.map((b) => [b.sequenceId, b.segment, b.final])).toEqual([
      ['chatcmpl-1', 'prompt', false],
      ['chatcmpl-1', 'completion', false],
    ]);
  });

  it('marks a streamed piece (finish_reason null) not final', () => {
    const items = asTokenBatches(vllmAdapter.decode(completion([null, pos([11, -0.7, 1])], { finish_reason: null }), ctx));
    expect(items.map((b) => b.final)).toEqual([false, false]);
  });
});

describe('vllm decode: bad records', () => {
  it('rejects bad values with the field path', () => {
    expectRecordError(() => vllmAdapter.decode(completion([null, pos([791, 0.3, 1])]), ctx), 'INVALID_LOGPROB', /choices\[0\]\.prompt_logprobs\[1\]\["791"\]\.logprob is 0\.3, a positive logprob/);
    expectRecordError(() => vllmAdapter.decode(completion([null, pos([791, 'x', 1])]), ctx), 'INVALID_LOGPROB', /prompt_logprobs\[1\]\["791"\]\.logprob is the string "x", not a number/);
    expectRecordError(() => vllmAdapter.decode(completion([null, pos([791, Number.NaN, 1])]), ctx), 'INVALID_LOGPROB', /logprob is NaN/);
    expectRecordError(() => vllmAdapter.decode(completion([null, { '791': { rank: 1 } }]), ctx), 'INVALID_RECORD', /prompt_logprobs\[1\]\["791"\]\.logprob is missing/);
    expectRecordError(
      () => vllmAdapter.decode(completion([null, pos([5, -1, 1], [6, -2, 2])]), ctx),
      'INVALID_RECORD',
      /cannot be identified/,
    );
  });

  it('rejects odd structure, never with a TypeError', () => {
    expectRecordError(() => vllmAdapter.decode(completion('none'), ctx), 'INVALID_RECORD', /choices\[0\]\.prompt_logprobs is the string "none", not an array/);
    expectRecordError(() => vllmAdapter.decode(completion([null, -1.5]), ctx), 'INVALID_RECORD', /prompt_logprobs\[1\] is number -1\.5, not an object/);
    expectRecordError(() => vllmAdapter.decode(completion([null, {}]), ctx), 'INVALID_RECORD', /prompt_logprobs\[1\] lists no tokens/);
    expectRecordError(() => vllmAdapter.decode(completion([null, { '7': -0.5 }]), ctx), 'INVALID_RECORD', /prompt_logprobs\[1\]\["7"\] is number -0\.5, not an object with a logprob/);
    expectRecordError(() => vllmAdapter.decode(completion([null, pos([7, -0.5, 1])], { prompt_token_ids: [1] }), ctx), 'INVALID_RECORD', /prompt_token_ids has 1 entries but .*prompt_logprobs has 2/);
    expectRecordError(() => vllmAdapter.decode(completion([null, pos([7, -0.5, 1])], { prompt_token_ids: [1, 8] }), ctx), 'INVALID_RECORD', /prompt_logprobs\[1\] has no entry for the prompt token id 8/);
    expectRecordError(() => vllmAdapter.decode(completion([null, pos([7, -0.5, 1])], { prompt_token_ids: [1, '7'] }), ctx), 'INVALID_RECORD', /prompt_token_ids\[1\] is the string "7", not a token id/);
    expectRecordError(() => vllmAdapter.decode({ id: 'x', prompt_logprobs: 5 }, ctx), 'INVALID_RECORD', /^prompt_logprobs is number 5, not an array/);
    expectRecordError(() => vllmAdapter.decode('x', ctx), 'INVALID_RECORD', /must be an object/);
  });

  it('either decodes or throws a RecordError on arbitrary JSON', () => {
    const records = fc
      .tuple(fc.jsonValue(), fc.jsonValue())
      .chain(([a, b]) =>
        fc.constantFrom<unknown>(
          completion(a),
          completion([null, a, b]),
          completion([null, { '1': a }], { prompt_token_ids: b }),
          { id: 'x', prompt_logprobs: a, choices: b },
          completion([null, pos([1, -1, a])], { logprobs: b }),
        ),
      );
    expectRobustAdapter(vllmAdapter, records);
  });
});

describe('vllm with detail: full (alternatives for the audit)', () => {
  it("keeps the prompt tokens' top-k with decoded_token as text, less the prompt token appended outside it", () => {
    const [prompt, choice0, choice1] = decodeWithDetail(vllmAdapter, chatFixture(), ctx);
    expect(prompt?.segment).toBe('prompt');
    const pairs = alternativePairs(prompt);
    expect(pairs).toHaveLength(11);
    // Position 1 (token 128006, rank 1, inside the top-2): both entries. JSON.parse orders the
    // integer keys numerically, so "791" comes before "128006" (Python's json keeps file order).
    expect(pairs[0]).toEqual([
      ['The', -5.2],
      ['<|start_header_id|>', -0.0152],
    ]);
    // Position 5 (token 13347 "Hi", rank 95, appended): the top-2 without it.
    expect(pairs[4]).toEqual([
      ['I', -2.1],
      ['The', -2.4],
    ]);
    // The choices' own top_logprobs (chat entries): their token texts.
    expect(alternativePairs(choice0)).toEqual([[['Hello', -0.3312]], [['!', -0.1427]], [['<|eot_id|>', -0.0031]]]);
    expect(alternativePairs(choice1)[0]).toEqual([['Hello', -0.3312]]);
  });

  it("keeps a completion choice's top_logprobs texts, after the prompt (prompt_logprobs=0 lists no alternatives)", () => {
    const [prompt, generated] = decodeWithDetail(vllmAdapter, sampleLines()[0], ctx);
    expect(alternativePairs(prompt)).toEqual([[], [], [], [], []]);
    // Expected: the sample's choices[0].logprobs.top_logprobs, key → value.
    expect(alternativePairs(generated)).toEqual([
      [[' Paris', -0.2935]],
      [
        ['.', -1.2907],
        [',', -0.9157],
      ],
    ]);
  });
});
