import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/reports/report.js';
import { crash, expectSameTotals, folded, oracle, recordLines, scenarios, start, stop, text, until, watcherOptions } from '../helpers/watch-harness.js';

const scenario = scenarios('xent-watch-groups-');

/** recordLines with a `model` field: models by line number, some lines without one (the null group). */
function modelLines(seed: number, count: number, prefix: string, models: readonly (string | null)[]): string[] {
  return recordLines(seed, count, prefix).map((line, i) => {
    const model = models[(i * 7 + seed) % models.length];
    const record = JSON.parse(line) as Record<string, unknown>;
    return JSON.stringify(model === null ? record : { model, ...record });
  });
}

/** The lines of one group: its value, or null for lines without the field. */
function ofGroup(content: string, model: string | null): string {
  return content
    .split('\n')
    .filter((l) => l.startsWith('{') && ((JSON.parse(l) as { model?: string }).model ?? null) === model)
    .map((l) => `${l}\n`)
    .join('');
}

const groupsOf = (report: Report) => new Map((report.groups ?? []).map((g) => [g.group, g]));

/**
 * The independent reference for each group: `xent report` over only that group's lines, one file
 * per file generation, exactly as the daemon's totals are checked against `xent report` over all.
 */
async function expectGroupsMatch(dir: string, report: Report, generations: string[], models: readonly (string | null)[]): Promise<void> {
  const groups = groupsOf(report);
  expect([...groups.keys()].sort()).toEqual([...models].sort());
  for (const model of models) {
    const expected = await oracle(dir, generations.map((g) => ofGroup(g, model)));
    const g = groups.get(model);
    expect(g?.overflow).toBe(false);
    expect({ tokens: g?.corpus.tokens, nll: g?.corpus.nll, sequences: g?.corpus.sequences, records: g?.corpus.records }).toEqual({
      tokens: expected.corpus.tokens,
      nll: expected.corpus.nll,
      sequences: expected.corpus.sequences,
      records: expected.corpus.records,
    });
  }
}

const grouped = { accumulator: { segment: 'all' as const, sentinels: 'include' as const, maxGroups: 10 }, groupBy: ['model'] };

describe('LogWatcher --group-by: per-group figures, each equal to xent report over that group\'s lines', () => {
  it('follows appends; the groups partition the corpus; bad records stay ungrouped', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const models = ['m1', 'm2', '__proto__', null];
    const first = text(modelLines(1, 60, 'r', models));
    writeFileSync(a, first);
    const r = start(watcherOptions(dir, [a], grouped));
    await until(folded(r, 1));
    const more = `${text(modelLines(2, 40, 's', models))}not json\n`;
    appendFileSync(a, more);
    await until(() => r.watcher.corpus().badRecords === 1);
    const report = await stop(r);
    expectSameTotals(report, await oracle(dir, [first + more]));
    await expectGroupsMatch(dir, report, [first + more], models);
    const groups = report.groups ?? [];
    expect(groups.reduce((s, g) => s + g.corpus.tokens, 0)).toBe(report.corpus.tokens);
    expect(groups.reduce((s, g) => s + g.corpus.records, 0)).toBe(report.corpus.records);
    // Rolling lines carry the groups too.
    const rolling = readFileSync(join(dir, 'out.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; groups?: unknown[] });
    expect(rolling.filter((l) => l.type === 'rolling').every((l) => Array.isArray(l.groups))).toBe(true);
  });

  it('kill (no commit), rotation and restart: each group still counts every line exactly once', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const models = ['m1', 'm2', null];
    const old = text(modelLines(3, 80, 'r', models));
    writeFileSync(a, old);
    const r1 = start(watcherOptions(dir, [`${a}*`], grouped));
    await until(folded(r1, 20));
    await crash(r1);
    const tail = text(modelLines(4, 30, 't', models));
    appendFileSync(a, tail);
    renameSync(a, `${a}.1`);
    const fresh = text(modelLines(5, 50, 'n', models));
    writeFileSync(a, fresh);
    const r2 = start(watcherOptions(dir, [`${a}*`], grouped));
    const expected = await oracle(dir, [old + tail, fresh]);
    await until(() => r2.watcher.corpus().tokens === expected.corpus.tokens);
    const report = await stop(r2);
    expectSameTotals(report, expected);
    await expectGroupsMatch(dir, report, [old + tail, fresh], models);
  });

  it('chat completions grouped by model keep the fast path (the group read from the bytes) and equal the oracle', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const models = ['gpt-4o', 'gpt-4o-mini', null];
    const chat = (i: number) => {
      const model = models[i % 3];
      const content = Array.from({ length: 1 + (i % 4) }, (_, t) => ({ token: `t${t}`, logprob: -((i * 7 + t) % 13) / 4, bytes: [116], top_logprobs: [] }));
      const record = { id: `chatcmpl-${i}`, object: 'chat.completion', created: 1, choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, logprobs: { content }, finish_reason: 'stop' }] };
      return JSON.stringify(model === null ? record : { ...record, model });
    };
    const content = text(Array.from({ length: 60 }, (_, i) => chat(i)));
    writeFileSync(a, content);
    const r = start(watcherOptions(dir, [a], grouped));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    const report = await stop(r);
    expectSameTotals(report, await oracle(dir, [content]));
    await expectGroupsMatch(dir, report, [content], models);
  });

  it('past --max-groups, later values share the overflow group, and the sums still add up', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const models = ['m1', 'm2', 'm3', 'm4'];
    const content = text(modelLines(6, 60, 'r', models));
    writeFileSync(a, content);
    const r = start(watcherOptions(dir, [a], { ...grouped, accumulator: { ...grouped.accumulator, maxGroups: 2 } }));
    await until(folded(r, 1));
    await until(async () => (await r.watcher.status())[0]?.lag === 0);
    const report = await stop(r);
    const groups = report.groups ?? [];
    expect(groups.filter((g) => !g.overflow)).toHaveLength(2);
    const overflow = groups.find((g) => g.overflow);
    const named = groups.filter((g) => !g.overflow).map((g) => g.group as string);
    const rest = models.filter((m) => !named.includes(m));
    const expected = await oracle(dir, [rest.map((m) => ofGroup(content, m)).join('')]);
    expect(overflow?.corpus.tokens).toBe(expected.corpus.tokens);
    expect(groups.reduce((s, g) => s + g.corpus.tokens, 0)).toBe(report.corpus.tokens);
  });

  it('a restart with another --group-by drops the old groups with a warning; the corpus goes on', async () => {
    const dir = scenario();
    const a = join(dir, 'a.jsonl');
    const content = text(modelLines(7, 30, 'r', ['m1', 'm2']));
    writeFileSync(a, content);
    const r1 = start(watcherOptions(dir, [a], grouped));
    await until(async () => (await r1.watcher.status())[0]?.lag === 0);
    await stop(r1);
    const warnings: string[] = [];
    const r2 = start(watcherOptions(dir, [a], { ...grouped, groupBy: ['id'], warn: (m) => warnings.push(m) }));
    const report = await stop(r2);
    expect(warnings.join('\n')).toMatch(/figures by model are dropped: groups now count by id/);
    expect(report.groups).toEqual([]);
    expectSameTotals(report, await oracle(dir, [content]));
  });
});
