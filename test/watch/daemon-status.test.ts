import { describe, expect, it } from 'vitest';
import type { SequenceFigures } from '../../src/aggregate/corpus-accumulator.js';
import type { RollingWatchReport } from '../../src/watch/log-watcher.js';
import { DaemonStatus } from '../../src/watch/daemon-status.js';

const seq = (id: string, ce: number): SequenceFigures => ({ id, file: 'f', line: 1, tokens: 2, nll: 2 * ce, cross_entropy: ce, perplexity: Math.exp(ce), prompt_tokens: 0, completion_tokens: 2 });
const rolling = (tokens: number, ce: number): RollingWatchReport => ({
  type: 'rolling',
  corpus: { tokens, nll: tokens * ce, cross_entropy: ce, perplexity: Math.exp(ce), records: tokens, sequences: tokens } as RollingWatchReport['corpus'],
  window: { tokens, nll: tokens * ce, cross_entropy: ce, perplexity: Math.exp(ce), bits_per_token: ce / Math.LN2 },
  files: [],
  truncated_without_copy: 0,
});

describe('DaemonStatus', () => {
  it('keeps a bounded curve and measures tokens/s over its last minute', () => {
    const s = new DaemonStatus({ points: 3, rateSpanMs: 60_000 }, 0);
    expect(s.tokensPerSecond()).toBeNull();
    s.rolling(rolling(0, 1), 0);
    s.rolling(rolling(100, 1), 1_000);
    s.rolling(rolling(400, 1), 61_000);
    // The point at t=0 is more than a minute before the last: the rate is (400 − 100) / 60 s = 5.
    expect(s.tokensPerSecond()).toBe(5);
    s.rolling(rolling(500, Number.POSITIVE_INFINITY), 62_000);
    const json = s.toStatusJson(62_000);
    expect(json.curve.map((p) => p.tokens)).toEqual([100, 400, 500]);
    // JSON has no Infinity: an infinite cross-entropy is null.
    expect(json.curve[2]?.cross_entropy).toBeNull();
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('shows the worst of the recent sequences only, highest cross-entropy first', () => {
    const s = new DaemonStatus({ recent: 3, worst: 2 });
    s.sequence(seq('old-worst', 9));
    for (const [id, ce] of [['a', 1], ['b', 3], ['c', 2]] as const) s.sequence(seq(id, ce));
    expect(s.worst().map((w) => w.id)).toEqual(['b', 'c']);
  });

  it('restores its counters from its checkpointed state, and ignores a state it does not know', () => {
    const s = new DaemonStatus();
    s.lineRead(10);
    s.badRecord({ file: 'f', code: 'INVALID_JSON', reason: 'x' });
    s.sequence(seq('a', 1));
    const back = new DaemonStatus();
    back.restore(JSON.parse(JSON.stringify(s.toJSON())));
    expect(back.toJSON()).toEqual(s.toJSON());
    const fresh = new DaemonStatus();
    fresh.restore({ version: 99 });
    expect(fresh.bytesRead).toBe(0);
  });
});
