import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_FAMILIES } from '../../src/watch/metrics-exposition.js';
import { repoRoot } from '../helpers/cli.js';
import { PROMTOOL, prometheusTool, xentMetricsIn } from '../helpers/prometheus-tools.js';

const dir = join(repoRoot, 'deploy', 'prometheus');
const exported = new Set<string>();
for (const [name, type] of Object.entries(METRIC_FAMILIES)) {
  exported.add(name);
  if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
}

describe('deploy/prometheus/xent-rules.yml', () => {
  it('every metric a rule reads is one the daemon exports', () => {
    const text = readFileSync(join(dir, 'xent-rules.yml'), 'utf8');
    const exprs = [...text.matchAll(/expr: (>\n(?: {10}.*\n)+|.*)/g)].map((m) => m[1] as string);
    expect(exprs.length).toBe(7);
    const named = exprs.flatMap(xentMetricsIn);
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(exported, name).toContain(name);
  });

  it.runIf(prometheusTool(PROMTOOL))('passes `promtool check rules` and its unit tests (`promtool test rules`)', () => {
    execFileSync(PROMTOOL, ['check', 'rules', 'xent-rules.yml'], { cwd: dir, stdio: 'pipe' });
    let output = '';
    try {
      output = execFileSync(PROMTOOL, ['test', 'rules', 'xent-rules.test.yml'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`promtool test rules failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    expect(output).toContain('SUCCESS');
  });
});
