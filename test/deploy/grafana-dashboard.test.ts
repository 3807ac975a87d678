import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_FAMILIES } from '../../src/watch/metrics-exposition.js';
import { repoRoot } from '../helpers/cli.js';
import { PROMTOOL, prometheusTool, xentMetricsIn } from '../helpers/prometheus-tools.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Target { expr: string; datasource: { uid: string } }
interface Panel { id: number; title: string; type: string; datasource: { type: string; uid: string }; gridPos: { x: number; y: number; w: number; h: number }; targets: Target[] }
interface Variable { name: string; type: string; query: unknown }
interface Dashboard { uid: string; title: string; schemaVersion: number; panels: Panel[]; templating: { list: Variable[] } }

const dashboard = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'grafana', 'xent-dashboard.json'), 'utf8')) as Dashboard;
const exported = new Set<string>();
for (const [name, type] of Object.entries(METRIC_FAMILIES)) {
  exported.add(name);
  if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
}
const tmp = tempDir('xent-dash-');
const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

describe('deploy/grafana/xent-dashboard.json', () => {
  it('is an importable dashboard: uid, title, schema version, unique panel ids, panels on the 24-column grid', () => {
    expect(dashboard.uid).toBe('xent-watch');
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.targets.length, p.title).toBeGreaterThan(0);
    }
  });

  it('has a Prometheus data source variable that every panel and query uses, and instance and file variables', () => {
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.get('file')?.type).toBe('query');
    expect(vars.get('instance')?.type).toBe('query');
    for (const p of dashboard.panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets) expect(t.datasource.uid).toBe('${datasource}');
    }
    expect(exprs.some((e) => e.includes('file=~"$file"'))).toBe(true);
  });

  it('every query names a metric the daemon exports, and every exported metric has a panel', () => {
    const named = new Set<string>();
    for (const expr of exprs) {
      const inExpr = xentMetricsIn(expr);
      // The only queries without a xent metric are Prometheus's own `up` for the scrape job.
      if (inExpr.length === 0) expect(expr).toMatch(/^up\{job="xent"/);
      for (const name of inExpr) {
        expect(exported, `${name} in ${expr}`).toContain(name);
        named.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
    for (const name of Object.keys(METRIC_FAMILIES)) expect(named, name).toContain(name);
  });

  it.runIf(prometheusTool(PROMTOOL))('every query is valid PromQL (promtool parses them as recording rules, variables filled in)', () => {
    const filled = exprs.map((e) => e.replaceAll('$__rate_interval', '5m').replaceAll('$instance', '.*').replaceAll('$file', '.*'));
    const rules = { groups: [{ name: 'dashboard', rules: filled.map((expr, i) => ({ record: `dashboard:query${i}`, expr })) }] };
    const file = join(tmp, 'queries.yml');
    writeFileSync(file, JSON.stringify(rules));
    try {
      execFileSync(PROMTOOL, ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`promtool rejected a dashboard query:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  });
});
