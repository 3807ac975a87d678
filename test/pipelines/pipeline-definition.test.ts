import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePipeline } from '../../src/pipelines/pipeline-definition.js';
import { repoRoot } from '../helpers/cli.js';

describe('parsePipeline', () => {
  it('accepts every ready-made pipeline in pipelines/', () => {
    const dir = join(repoRoot, 'pipelines');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(['batch-report.json', 'corpus-audit.json', 'tail-daemon.json', 'model-compare.json']));
    for (const f of files) expect(() => parsePipeline(JSON.parse(readFileSync(join(dir, f), 'utf8')), f)).not.toThrow();
    expect(parsePipeline(JSON.parse(readFileSync(join(dir, 'corpus-audit.json'), 'utf8')), 'corpus-audit.json').mode).toBe('audit');
    expect(parsePipeline(JSON.parse(readFileSync(join(dir, 'model-compare.json'), 'utf8')), 'model-compare.json').mode).toBe('compare');
  });

  it('reads the rolling window as windows.tokens in both modes, windows.every as its older name in mode report', () => {
    const base = { source: { paths: ['x'] }, outputs: [{ type: 'ndjson' }] };
    expect(parsePipeline({ ...base, windows: { tokens: 5 } }, 'p.json').windows).toEqual({ tokens: 5 });
    expect(parsePipeline({ ...base, windows: { every: 5 } }, 'p.json').windows).toEqual({ every: 5 });
    expect(() => parsePipeline({ ...base, windows: { tokens: 0 } }, 'p.json')).toThrow(/`windows.tokens`/);
    expect(() => parsePipeline({ ...base, windows: { tokens: 5, every: 5 } }, 'p.json')).toThrow(/older name of `windows.tokens`/);
    expect(() => parsePipeline({ ...base, windows: { interval: '10s' } }, 'p.json')).toThrow(/`windows.interval` is for mode watch/);
  });

  it('names the field that is wrong', () => {
    const base = { source: { paths: ['x'] }, outputs: [{ type: 'json' }] };
    expect(() => parsePipeline({ ...base, segment: 'middle' }, 'p.json')).toThrow(/p\.json: expected `segment` to be one of all, prompt, completion, got "middle"/);
    expect(() => parsePipeline({ ...base, source: { paths: [] } }, 'p.json')).toThrow(/`source.paths`/);
    expect(() => parsePipeline({ ...base, outputs: [{ type: 'pdf' }] }, 'p.json')).toThrow(/`outputs\[0\].type`/);
    expect(() => parsePipeline({ ...base, windows: { every: 0 } }, 'p.json')).toThrow(/`windows.every`/);
    expect(() => parsePipeline({ ...base, script: 'rm -rf /' }, 'p.json')).toThrow(/unknown field `script`/);
    expect(() => parsePipeline({ ...base, outputs: [{ type: 'json' }, { type: 'text', path: '-' }] }, 'p.json')).toThrow(/at most one output/);
  });

  it('checks every audit field up front, naming it', () => {
    const audit = { mode: 'audit', source: { paths: ['x'] }, outputs: [{ type: 'text' }] };
    expect(() => parsePipeline({ ...audit, top: 20, rank_by: 'entropy', group_by: 'response.body.model', max_groups: 5, detail_tokens: 0 }, 'a.json')).not.toThrow();
    expect(() => parsePipeline({ ...audit, command: 'audit' }, 'a.json')).toThrow(/a\.json: unknown field `command`/);
    expect(() => parsePipeline({ ...audit, top: -1 }, 'a.json')).toThrow(/a\.json: expected `top` to be an integer from 0 and up, got -1/);
    expect(() => parsePipeline({ ...audit, rank_by: 'loss' }, 'a.json')).toThrow(/expected `rank_by` to be one of cross-entropy, perplexity, nll, entropy, max-surprise, got "loss"/);
    expect(() => parsePipeline({ ...audit, group_by: 'a..b' }, 'a.json')).toThrow(/expected `group_by` to be a dotted path/);
    expect(() => parsePipeline({ ...audit, group_by: 3 }, 'a.json')).toThrow(/expected `group_by` to be a dotted path/);
    expect(() => parsePipeline({ ...audit, max_groups: 0 }, 'a.json')).toThrow(/`max_groups`/);
    expect(() => parsePipeline({ ...audit, detail_tokens: 1.5 }, 'a.json')).toThrow(/`detail_tokens`/);
    expect(() => parsePipeline({ ...audit, outputs: [{ type: 'ndjson' }] }, 'a.json')).toThrow(/expected `outputs\[0\].type` to be one of text, json, markdown, html, got "ndjson"/);
    expect(() => parsePipeline({ ...audit, windows: { every: 5 } }, 'a.json')).toThrow(/`windows` is for mode report or watch, not mode audit/);
    expect(() => parsePipeline({ ...audit, key: 'id' }, 'a.json')).toThrow(/`key` is for mode compare, not mode audit/);
    expect(() => parsePipeline({ ...audit, mode: 'audits' }, 'a.json')).toThrow(/expected `mode` to be one of report, watch, audit, compare/);
  });

  it('takes group_by, max_groups and release_after in mode watch, checked up front', () => {
    const watch = { mode: 'watch', source: { paths: ['x'] }, outputs: [{ type: 'ndjson' }] };
    expect(() => parsePipeline({ ...watch, group_by: 'model', max_groups: 50, release_after: '10m' }, 'w.json')).not.toThrow();
    expect(() => parsePipeline({ ...watch, release_after: 'soon' }, 'w.json')).toThrow(/expected `release_after` to be a duration like 5m, got "soon"/);
    expect(() => parsePipeline({ ...watch, group_by: 'a..b' }, 'w.json')).toThrow(/expected `group_by` to be a dotted path/);
    expect(() => parsePipeline({ ...watch, max_groups: 0 }, 'w.json')).toThrow(/max_groups/);
    expect(() => parsePipeline({ source: { paths: ['x'] }, outputs: [{ type: 'json' }], release_after: '5m' }, 'r.json')).toThrow(/`release_after` is for mode watch/);
  });

  it('checks audit thresholds: known names, anomaly kinds, limits', () => {
    const audit = { mode: 'audit', source: { paths: ['x'] }, outputs: [{ type: 'text' }] };
    const good = { max_perplexity: 40, max_p99_perplexity: 100, max_bad_records: 0, max_anomalies: { all: 3, sentinel: 0, chosen_not_in_top_k: 2 } };
    expect(() => parsePipeline({ ...audit, thresholds: good }, 'a.json')).not.toThrow();
    expect(() => parsePipeline({ ...audit, thresholds: [] }, 'a.json')).toThrow(/expected `thresholds` to be an object/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_ppl: 3 } }, 'a.json')).toThrow(/unknown field `thresholds.max_ppl` for mode audit/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_mean_difference: 0 } }, 'a.json')).toThrow(/unknown field `thresholds.max_mean_difference` for mode audit/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_perplexity: 0.5 } }, 'a.json')).toThrow(/expected `thresholds.max_perplexity` to be a number from 1 and up, got 0.5/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_p99_perplexity: '40' } }, 'a.json')).toThrow(/`thresholds.max_p99_perplexity`/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_bad_records: -1 } }, 'a.json')).toThrow(/`thresholds.max_bad_records`/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_anomalies: 0 } }, 'a.json')).toThrow(/expected `thresholds.max_anomalies` to be an object/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_anomalies: { bogus: 0 } } }, 'a.json')).toThrow(/unknown anomaly kind `thresholds.max_anomalies.bogus`/);
    // A key from the file is checked against the kinds, so __proto__ is just an unknown kind.
    expect(() => parsePipeline({ ...audit, thresholds: JSON.parse('{"max_anomalies": {"__proto__": 0}}') }, 'a.json')).toThrow(/unknown anomaly kind `thresholds.max_anomalies.__proto__`/);
    expect(() => parsePipeline({ ...audit, thresholds: { max_anomalies: { sentinel: 0.5 } } }, 'a.json')).toThrow(/`thresholds.max_anomalies.sentinel` to be an integer from 0 and up/);
  });

  it('checks compare pipelines: two source paths, their own fields and threshold', () => {
    const compare = { mode: 'compare', source: { paths: ['a', 'b'] }, outputs: [{ type: 'json' }] };
    expect(() => parsePipeline({ ...compare, key: 'meta.prompt', top: 5, bootstrap: 2000, seed: -7, partitions: 8, thresholds: { max_mean_difference: 0.1 } }, 'c.json')).not.toThrow();
    expect(() => parsePipeline({ ...compare, source: { paths: ['a'] } }, 'c.json')).toThrow(/exactly two `source.paths`, side A then side B, got 1/);
    expect(() => parsePipeline({ ...compare, key: '' }, 'c.json')).toThrow(/`key` to be a dotted path/);
    expect(() => parsePipeline({ ...compare, bootstrap: 5 }, 'c.json')).toThrow(/`bootstrap` to be an integer from 10 and up/);
    expect(() => parsePipeline({ ...compare, seed: 1.5 }, 'c.json')).toThrow(/`seed` to be an integer/);
    expect(() => parsePipeline({ ...compare, partitions: 0 }, 'c.json')).toThrow(/`partitions`/);
    expect(() => parsePipeline({ ...compare, rank_by: 'nll' }, 'c.json')).toThrow(/`rank_by` is for mode audit, not mode compare/);
    expect(() => parsePipeline({ ...compare, vocab_size: 10 }, 'c.json')).toThrow(/`vocab_size` is for mode report or watch or audit, not mode compare/);
    expect(() => parsePipeline({ ...compare, thresholds: { max_mean_difference: 'big' } }, 'c.json')).toThrow(/`thresholds.max_mean_difference` to be a number/);
    expect(() => parsePipeline({ ...compare, thresholds: { max_bad_records: 0 } }, 'c.json')).toThrow(/unknown field `thresholds.max_bad_records` for mode compare/);
  });

  it('takes kl and its threshold in compare pipelines only, the threshold only with kl', () => {
    const compare = { mode: 'compare', source: { paths: ['a', 'b'] }, outputs: [{ type: 'json' }] };
    expect(() => parsePipeline({ ...compare, kl: true, thresholds: { max_mean_kl: 0.01 } }, 'c.json')).not.toThrow();
    expect(() => parsePipeline({ ...compare, kl: 'yes' }, 'c.json')).toThrow(/expected `kl` to be true or false/);
    expect(() => parsePipeline({ ...compare, thresholds: { max_mean_kl: 0.01 } }, 'c.json')).toThrow(/`thresholds.max_mean_kl` needs `"kl": true`/);
    expect(() => parsePipeline({ ...compare, kl: true, thresholds: { max_mean_kl: -1 } }, 'c.json')).toThrow(/`thresholds.max_mean_kl` to be a number of nats from 0 and up/);
    expect(() => parsePipeline({ source: { paths: ['x'] }, outputs: [{ type: 'json' }], kl: true }, 'p.json')).toThrow(/`kl` is for mode compare, not mode report/);
  });

  it('keeps audit and compare fields out of report and watch pipelines', () => {
    const base = { source: { paths: ['x'] }, outputs: [{ type: 'json' }] };
    expect(() => parsePipeline({ ...base, top: 3 }, 'p.json')).toThrow(/`top` is for mode audit or compare, not mode report/);
    expect(() => parsePipeline({ ...base, thresholds: {} }, 'p.json')).toThrow(/`thresholds` is for mode audit or compare, not mode report/);
    expect(() => parsePipeline({ ...base, outputs: [{ type: 'html' }] }, 'p.json')).toThrow(/expected `outputs\[0\].type` to be one of text, json, ndjson, markdown, got "html"/);
  });

  it('keeps strict and per_sequence to report pipelines, where they do something', () => {
    const watch = { mode: 'watch', source: { paths: ['logs/*.jsonl'] }, outputs: [{ type: 'ndjson' }] };
    expect(() => parsePipeline(watch, 'w.json')).not.toThrow();
    expect(() => parsePipeline({ ...watch, strict: true }, 'w.json')).toThrow(/`strict` is for mode report, not mode watch/);
    expect(() => parsePipeline({ ...watch, per_sequence: false }, 'w.json')).toThrow(/`per_sequence` is for mode report, not mode watch/);
    const audit = { mode: 'audit', source: { paths: ['corpus'] }, outputs: [{ type: 'json' }] };
    expect(() => parsePipeline({ ...audit, strict: true }, 'a.json')).toThrow(/`strict` is for mode report, not mode audit/);
    expect(() => parsePipeline({ source: { paths: ['x'] }, outputs: [{ type: 'json' }], strict: true, per_sequence: true }, 'r.json')).not.toThrow();
  });
});
