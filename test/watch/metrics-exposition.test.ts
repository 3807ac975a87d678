import { describe, expect, it } from 'vitest';
import type { RollingWatchReport } from '../../src/watch/log-watcher.js';
import { DaemonStatus } from '../../src/watch/daemon-status.js';
import { METRIC_FAMILIES, renderMetrics } from '../../src/watch/metrics-exposition.js';

function report(tokens: number, nll: number): RollingWatchReport {
  return {
    type: 'rolling',
    corpus: { tokens, nll, cross_entropy: nll / tokens, perplexity: Math.exp(nll / tokens), records: 3, sequences: 2 } as RollingWatchReport['corpus'],
    window: { tokens: 4, nll: 2, cross_entropy: 0.5, perplexity: Math.exp(0.5), bits_per_token: 0.5 / Math.LN2 },
    truncated_without_copy: 0,
    files: [
      { file: 'logs/a "quoted"\\name.jsonl', offset: 10, size: 25, lag: 15, tokens, records: 3, bad_records: 1, state: 'reading' },
      { file: 'logs/old.jsonl', offset: 7, size: null, lag: null, tokens: 0, records: 0, bad_records: 0, state: 'frozen' },
    ],
  };
}

describe('renderMetrics', () => {
  it('exposes counters as _total with TYPE counter, a cumulative histogram, escaped labels, and checkpoint age', () => {
    const status = new DaemonStatus({}, 0);
    status.rolling(report(6, 3), 1000);
    status.lineRead(40);
    status.lineRead(2);
    status.badRecord({ file: 'f', code: 'INVALID_JSON', reason: 'x' });
    status.badRecord({ file: 'f', code: 'INVALID_JSON', reason: 'y' });
    status.badRecord({ file: 'f', code: 'NO_LOGPROBS', reason: 'z' });
    for (const ce of [0.2, 2, Number.POSITIVE_INFINITY]) status.sequence({ id: 's', file: 'f', tokens: 1, nll: ce, cross_entropy: ce, perplexity: Math.exp(ce), prompt_tokens: 0, completion_tokens: 1 });
    status.checkpointed(10_000, 12.5);
    const text = renderMetrics(status, { version: '1.2.3', node: 'v20.0.0' }, 13_000);
    expect(text).toContain('# TYPE xent_tokens_total counter\nxent_tokens_total 6\n');
    expect(text).toContain('xent_nll_nats_total 3\n');
    expect(text).toContain('xent_read_bytes_total 42\n');
    expect(text).toContain('xent_bad_records_total{code="INVALID_JSON"} 2\nxent_bad_records_total{code="NO_LOGPROBS"} 1\n');
    expect(text).toContain('xent_build_info{version="1.2.3",node="v20.0.0"} 1\n');
    // Buckets are cumulative; 0.2 ≤ 0.25, 2 ≤ 2, +Inf only in +Inf; the sum of a set with +Inf is +Inf.
    expect(text).toContain('xent_sequence_cross_entropy_nats_bucket{le="0.25"} 1\n');
    expect(text).toContain('xent_sequence_cross_entropy_nats_bucket{le="1.5"} 1\n');
    expect(text).toContain('xent_sequence_cross_entropy_nats_bucket{le="2"} 2\n');
    expect(text).toContain('xent_sequence_cross_entropy_nats_bucket{le="15"} 2\n');
    expect(text).toContain('xent_sequence_cross_entropy_nats_bucket{le="+Inf"} 3\n');
    expect(text).toContain('xent_sequence_cross_entropy_nats_sum +Inf\nxent_sequence_cross_entropy_nats_count 3\n');
    expect(text).toContain('xent_file_lag_bytes{file="logs/a \\"quoted\\"\\\\name.jsonl"} 15\n');
    expect(text).not.toContain('old.jsonl');
    expect(text).toContain('xent_files{state="reading"} 1\nxent_files{state="waiting"} 0\nxent_files{state="frozen"} 1\n');
    expect(text).toContain('xent_checkpoint_age_seconds 3\n');
    expect(text).toContain('xent_checkpoint_duration_seconds 0.0125\n');
    expect(text).toContain('xent_checkpoint_last_success_timestamp_seconds 10\n');
    expect(text).toContain('xent_window_perplexity 1.6487212707001282\n');
    // Every family rendered is declared, and every counter ends in _total.
    const declared = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
    // (all of them but the xent_group_* ones, which need --group-by: see below)
    expect(declared.length).toBe(Object.keys(METRIC_FAMILIES).filter((f) => !f.startsWith('xent_group_')).length);
    for (const [name, type] of declared) {
      expect(METRIC_FAMILIES[name as keyof typeof METRIC_FAMILIES]).toBe(type);
      if (type === 'counter') expect(name).toMatch(/_total$/);
    }
  });

  it('before the first report and checkpoint, only what is known is exposed', () => {
    const text = renderMetrics(new DaemonStatus(), { version: '1', node: 'v20' });
    expect(text).toContain('xent_build_info');
    expect(text).not.toContain('xent_tokens_total');
    expect(text).not.toContain('xent_checkpoint_age_seconds');
  });
});

describe('renderMetrics with --group-by', () => {
  it('adds xent_group_* families with a group label, telling missing and overflow apart from values', () => {
    const status = new DaemonStatus({}, 0);
    const groups = (
      [
        ['m"1', false, 4, 2],
        [null, false, 1, 0.5],
        [null, true, 1, 0.5],
      ] as const
    ).map(([group, overflow, tokens, nll]) => ({ group, overflow, corpus: { tokens, nll, records: 1, sequences: 1, cross_entropy: nll / tokens, perplexity: Math.exp(nll / tokens) } as RollingWatchReport['corpus'] }));
    status.rolling({ ...report(6, 3), groups }, 1000);
    const text = renderMetrics(status, { version: '1', node: 'v20' }, 2000);
    expect(text).toContain(
      '# TYPE xent_group_tokens_total counter\n' +
        'xent_group_tokens_total{group="m\\"1",group_kind="value"} 4\n' +
        'xent_group_tokens_total{group="",group_kind="missing"} 1\n' +
        'xent_group_tokens_total{group="",group_kind="overflow"} 1\n',
    );
    expect(text).toContain('xent_group_cross_entropy_nats{group="m\\"1",group_kind="value"} 0.5\n');
    // The ungrouped totals stay as they were: sum(xent_tokens_total) is not doubled by the groups.
    expect(text).toContain('xent_tokens_total 6\n');
    expect(text.match(/^# TYPE xent_group_\w+/gm)).toHaveLength(Object.keys(METRIC_FAMILIES).filter((f) => f.startsWith('xent_group_')).length);
    for (const name of text.match(/^xent_\w+/gm) ?? []) expect(Object.keys(METRIC_FAMILIES).some((f) => name.startsWith(f))).toBe(true);
  });

  it('has no group families without --group-by', () => {
    const status = new DaemonStatus({}, 0);
    status.rolling(report(6, 3), 1000);
    expect(renderMetrics(status, { version: '1', node: 'v20' }, 2000)).not.toContain('xent_group_');
  });
});
