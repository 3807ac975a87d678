import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Io, ReportRun } from '../../src/cli/report-runner.js';

// Both doors end in runReport: mocked, it records the run each one asks for.
const runs: ReportRun[] = [];
vi.mock('../../src/cli/report-runner.js', () => ({
  runReport: vi.fn(async (run: ReportRun) => {
    runs.push(run);
    return 0;
  }),
}));

const { buildYargs } = await import('../../src/cli/build-yargs.js');
const { quickReportRun } = await import('../../src/cli/quick-report.js');

const io = (): Io => ({ stdout: new PassThrough(), stderr: new PassThrough() as unknown as NodeJS.WriteStream, env: {} });

/** The run yargs (the long way, as the bin ran it before) builds from a command line, or 'usage error'. */
async function viaYargs(args: string[]): Promise<ReportRun | 'usage error' | 'no run'> {
  runs.length = 0;
  try {
    await buildYargs(args, io(), () => {}).parseAsync();
  } catch {
    return 'usage error';
  }
  return runs[0] ?? 'no run';
}

beforeEach(() => {
  runs.length = 0;
});

describe('quickReportRun (the quick door of xent report)', () => {
  it('reads the common command lines, and asks for the very run yargs asks for', async () => {
    const lines = [
      ['report', 'a.jsonl'],
      ['report', 'a.jsonl', '--json'],
      ['report', 'a.jsonl', 'b.jsonl.gz', 'dir/', '--markdown', '--out', 'r.md'],
      ['report', '-', '--ndjson', '--window', '100'],
      ['report', '--ndjson', '--every=5', '-', 'a.jsonl'],
      ['report', 'a.jsonl', '--json', '-o', 'out.json', '--strict', '--dead-letter', 'dead.ndjson', '--state-out', 's.json.gz'],
      ['report', 'a.jsonl', '--threads', '2', '--concurrency', '8', '--max-line-bytes', '1024', '--vocab-size', '50257'],
      ['report', 'a.jsonl', '--segment', 'completion', '--sentinels', 'exclude', '--framing', 'json-array', '-f', 'auto', '--per-sequence'],
      ['report', 'a.jsonl', '--threads=auto', '--input-format=auto', '--segment=prompt'],
      ['report', '2024-01-05.jsonl', 'report'],
      ['report', '007', '1e3', '0x10', '9007199254740993', '--json'],
    ];
    for (const args of lines) {
      const quick = quickReportRun(args);
      expect(quick, args.join(' ')).toBeDefined();
      expect(quick, args.join(' ')).toEqual(await viaYargs(args));
    }
  });

  it('leaves to yargs what it cannot read exactly as yargs does: other commands, help, errors, unusual spellings', async () => {
    const lines = [
      ['audit', 'a.jsonl'],
      ['--version'],
      ['report', '--help'],
      ['report'],
      ['report', 'a.jsonl', '--json', '--markdown'],
      ['report', 'a.jsonl', '--bogus'],
      ['report', 'a.jsonl', '--no-json'],
      ['report', 'a.jsonl', '--json=false'],
      ['report', 'a.jsonl', '--json', 'false'],
      ['report', 'a.jsonl', '--perSequence'],
      ['report', 'a.jsonl', '--threads', '0'],
      ['report', 'a.jsonl', '--window', '5'],
      ['report', 'a.jsonl', '--concurrency', '1.5'],
      ['report', 'a.jsonl', '--out', 'a', '--out', 'b'],
      ['report', 'a.jsonl', '--window', '5', '--every', '6', '--ndjson'],
      ['report', 'a.jsonl', '-f', 'vllm'],
      ['report', 'a.jsonl', '--segment', 'middle'],
      ['report', '--', 'a.jsonl'],
      ['report', 'a.jsonl', '--out'],
    ];
    for (const args of lines) expect(quickReportRun(args), args.join(' ')).toBeUndefined();
  });

  it('never reads a generated command line differently from yargs (and reads a good share of them)', async () => {
    const files = ['a.jsonl', 'dir/', '-', 'report', '2024-01.jsonl', '007', '1e3', '0x10', '.5', 'true', 'false', 'x=y', 'a b.jsonl', '', ' ', 'Infinity', '9007199254740993', '1.50'];
    const flags = [
      '--json', '--ndjson', '--markdown', '--per-sequence', '--strict', '--out', '-o', '--dead-letter', '--state-out', '--threads',
      '--segment', '--sentinels', '--framing', '--input-format', '-f', '--window', '--every', '--vocab-size', '--concurrency',
      '--max-line-bytes', '--no-json', '--no-strict', '--perSequence', '--deadLetter', '--json=true', '--json=false', '--bogus', '--',
      '--threads=2', '--out=x.txt', '--every=5', '--window=0', '-o=x', '--concurrency=2', '--segment=prompt', '--framing=lines', '---json',
    ];
    const values = ['2', '1', '0', '4', '5', 'auto', 'x.txt', '-', '-1', '1.5', 'all', 'prompt', 'completion', 'include', 'exclude', 'lines', 'json-array', 'json-value', 'vllm', '', '1e3', '07', '9007199254740993'];
    const token = fc.oneof(fc.constantFrom(...files), fc.constantFrom(...flags), fc.constantFrom(...values));
    let read = 0;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(token, { minLength: 0, maxLength: 7 }), async (rest) => {
        const args = ['report', ...rest];
        const quick = quickReportRun(args);
        total++;
        if (quick === undefined) return;
        read++;
        expect(quick).toEqual(await viaYargs(args));
      }),
      { numRuns: 1500, seed: 13 },
    );
    // A door that read nothing would pass the property above: it must read some of these lines.
    expect(read / total).toBeGreaterThan(0.05);
  });

  it('the check has teeth: a door that forgot --every is --window would be caught', async () => {
    const args = ['report', 'a.jsonl', '--ndjson', '--every', '5'];
    const quick = quickReportRun(args) as ReportRun;
    const broken: ReportRun = { ...quick, evaluate: { ...quick.evaluate, every: undefined } };
    expect(broken).not.toEqual(await viaYargs(args));
    expect(quick).toEqual(await viaYargs(args));
  });
});

describe('xent --version', () => {
  it('prints what yargs printed for it, the version and a newline (the bin answers it without yargs)', async () => {
    const { XENT_VERSION } = await import('../../src/version.js');
    const { spawnCli } = await import('../helpers/cli.js');
    const printed: unknown[][] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args));
    try {
      await buildYargs(['--version'], io(), () => {}).parseAsync();
    } finally {
      log.mockRestore();
    }
    expect(printed).toEqual([[XENT_VERSION]]);
    const run = await spawnCli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${XENT_VERSION}\n`, stderr: '' });
  });
});
