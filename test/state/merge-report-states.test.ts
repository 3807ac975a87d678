import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate.js';
import { scoreShard, type ShardSpan } from '../../src/distributed/score-shard.js';
import { toJson } from '../../src/reports/json-report.js';
import { buildReport, type Report } from '../../src/reports/report.js';
import { mergeReportStates, type FileState, type ReportState } from '../../src/state/report-state.js';
import { decodeState, encodeState } from '../../src/state/state-envelope.js';
import type { UnitOptions } from '../../src/threads/work-unit.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const MAX_EXAMPLES = 3;
const unit: UnitOptions = {
  accumulator: { segment: 'all', sentinels: 'include', keepSequences: false, maxExamples: MAX_EXAMPLES },
  format: 'auto',
  framing: 'auto',
  fastPath: true,
};
const settings: ReportState['settings'] = { segment: 'all', sentinels: 'include', vocab_size: null, max_examples: MAX_EXAMPLES };

// Logprobs from a small set with awkward values: exact sums must not depend on where files are cut.
const logprob = fc.constantFrom(-1e-17, -0.1, -0.7, -1, -2.5, -1e3, -9999, -33.3);
const bad = fc.constantFrom('not json', '{"id":"x","logprobs":[0.5]}', '{"sequence_id":"q","logprob":2}');
/** One whole sequence a line (xent-sequence), or a bad line. */
const wholeLine = fc.oneof(
  { weight: 5, arbitrary: fc.record({ id: fc.nat(50), lps: fc.array(logprob, { maxLength: 5 }) }).map(({ id, lps }) => JSON.stringify({ id: `w${id}`, logprobs: lps })) },
  { weight: 1, arbitrary: bad },
);
/** One token a line (xent-token), sequences interleaved and never marked final: they end with the file. */
const tokenLine = fc.oneof(
  { weight: 5, arbitrary: fc.record({ id: fc.nat(4), lp: logprob }).map(({ id, lp }) => JSON.stringify({ sequence_id: `t${id}`, logprob: lp })) },
  { weight: 1, arbitrary: bad },
);
const fileArb = fc.oneof(fc.array(wholeLine, { minLength: 1, maxLength: 25 }), fc.array(tokenLine, { minLength: 1, maxLength: 25 }));

let fileCount = 0;
function writeFiles(contents: string[][]): string[] {
  return contents.map((lines) => {
    const path = join(dir, `f${String(fileCount++).padStart(6, '0')}.jsonl`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  });
}

/** Shards at arbitrary byte cuts (edges move to line starts); no cut reads the file whole. */
function spans(path: string, size: number, cuts: number[]): ShardSpan[] {
  const points = [...new Set(cuts.map((c) => c % (size + 1)))].filter((c) => c > 0).sort((a, b) => a - b);
  if (points.length === 0) return [{ path, start: 0 }];
  const bounds = [0, ...points, size];
  return bounds.slice(0, -1).map((start, k) => ({ path, start, end: bounds[k + 1] as number }));
}

/** Files listed by name, each without its fields that carry no order: what must match exactly. */
function canonical(report: Report): string {
  return toJson({ ...report, files: [...report.files].sort((a, b) => (a.file < b.file ? -1 : 1)) });
}

describe('merging report states', () => {
  it('any split of the files into shards, grouped into states in any order, gives the report of one run, bit for bit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fileArb, { minLength: 1, maxLength: 3 }),
        fc.array(fc.array(fc.nat(4000), { maxLength: 4 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        async (contents, cuts, shuffle) => {
          const paths = writeFiles(contents);
          const one = await evaluate(paths, { threads: 1, maxExamples: MAX_EXAMPLES });
          const shards: FileState[] = [];
          for (const [i, path] of paths.entries()) {
            const size = Buffer.byteLength(`${(contents[i] as string[]).join('\n')}\n`);
            for (const span of spans(path, size, cuts[i] ?? [])) shards.push(await scoreShard(span, unit));
          }
          // Random order, then random groups of consecutive shards as state files, each through its text form.
          const order = shards.map((s, k) => ({ s, key: shuffle[k % shuffle.length] as number + k / 100 })).sort((a, b) => a.key - b.key);
          const groups: ReportState[] = [];
          for (const [k, { s }] of order.entries()) {
            if (groups.length === 0 || (shuffle[k % shuffle.length] as number) % 2 === 0) groups.push({ settings, files: [] });
            (groups[groups.length - 1] as ReportState).files.push(s);
          }
          const states = groups.map((g, k) => {
            const back = decodeState(encodeState(g));
            if (typeof back === 'string') throw new Error(back);
            return { name: `s${k}`, state: back };
          });
          const merged = buildReport(mergeReportStates(states));
          expect(canonical(merged)).toBe(canonical(one));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is associative: merging merged states equals merging all at once', async () => {
    const paths = writeFiles([
      ['{"id":"a","logprobs":[-1,-2]}', 'not json', '{"id":"b","logprobs":[-0.1]}', '{"id":"c","logprobs":[-3]}'],
      ['{"sequence_id":"s","logprob":-1}', '{"sequence_id":"t","logprob":-2}', '{"sequence_id":"s","logprob":-3}', '{"sequence_id":"t","logprob":-4}'],
    ]);
    const shardsOf = async (path: string, cut: number) => [await scoreShard({ path, start: 0, end: cut }, unit), await scoreShard({ path, start: cut }, unit)];
    const [a1, a2] = await shardsOf(paths[0] as string, 40);
    const [b1, b2] = await shardsOf(paths[1] as string, 70);
    const st = (files: FileState[]) => ({ settings, files });
    const all = buildReport(mergeReportStates([st([a1 as FileState, b2 as FileState]), st([b1 as FileState]), st([a2 as FileState])].map((state, k) => ({ name: `${k}`, state }))));
    // (a1 b2) first, then with (b1 a2): the inner merge's ranges keep their open sequences until the last merge closes them.
    const left = { settings, files: [a1, b2, b1] as FileState[] };
    const nested = buildReport(mergeReportStates([{ name: 'left', state: left }, { name: 'right', state: st([a2 as FileState]) }]));
    expect(canonical(nested)).toBe(canonical(all));
    const one = await evaluate(paths, { threads: 1, maxExamples: MAX_EXAMPLES });
    expect(canonical(all)).toBe(canonical(one));
    // Hand check: two one-token sequences s = 1+3, t = 2+4 nats joined across the cut: 2 sequences, 4 tokens, nll 10.
    const tokenFile = all.files.find((f) => f.file === paths[1]);
    expect(tokenFile?.corpus).toMatchObject({ sequences: 2, tokens: 4, nll: 10 });
  });

  it('refuses states taken with different --segment, --sentinels or --vocab-size, naming the setting', () => {
    const base = { settings, files: [] };
    for (const [change, flag] of [
      [{ segment: 'prompt' }, '--segment'],
      [{ sentinels: 'exclude' }, '--sentinels'],
      [{ vocab_size: 50257 }, '--vocab-size'],
    ] as const) {
      const other = { settings: { ...settings, ...change }, files: [] };
      expect(() => mergeReportStates([{ name: 'a.state', state: base }, { name: 'b.state', state: other }])).toThrow(
        new RegExp(`a\\.state and b\\.state were taken with different ${flag}`),
      );
    }
  });

  it('refuses shards of one file that leave a gap or overlap', async () => {
    const [path] = writeFiles([['{"id":"a","logprobs":[-1]}', '{"id":"b","logprobs":[-2]}', '{"id":"c","logprobs":[-3]}']]);
    // 27-byte lines: the first shard owns line 1 ([0, 27)), the last line 3 ([54, 81)).
    const first = await scoreShard({ path: path as string, start: 0, end: 10 }, unit);
    const last = await scoreShard({ path: path as string, start: 30 }, unit);
    expect(() => mergeReportStates([{ name: 'x', state: { settings, files: [first, last] } }])).toThrow(/do not fit together: bytes 27–54 are in no state/);
    expect(() => mergeReportStates([{ name: 'x', state: { settings, files: [first] } }])).toThrow(/bytes 27–81 are in no state/);
    expect(() => mergeReportStates([{ name: 'x', state: { settings, files: [first, first, last] } }])).toThrow(/are in two states/);
  });
});
