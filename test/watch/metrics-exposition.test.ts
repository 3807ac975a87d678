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
    expect(declared.length).toBe(Object.keys(METRIC_FAMILIES).length);
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
