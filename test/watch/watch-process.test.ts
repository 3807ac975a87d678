import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/reports/report.js';
import { bin } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { expectSameTotals, oracle, recordLines } from '../helpers/watch-harness.js';

const root = tempDir('xent-watchp-');
let n = 0;
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
const FAST = ['--interval', '100ms', '--poll', '20ms', '--checkpoint-interval', '40ms'];

function daemon(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', join(__dirname, '..', 'bench', 'max-rss.mjs'), bin, 'watch', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout?.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? -9 : null))));
  return { child, exit, stderr: () => stderr };
}

function lastFinal(out: string): Report {
  const finals = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.type === 'final');
  return finals[finals.length - 1] as Report;
}

function lineCount(out: string): number {
  try {
    return readFileSync(out, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Tokens in the last report line, counting only lines written after the first `after` (a daemon's own). */
function folded(out: string, after = 0): number {
  try {
    const lines = readFileSync(out, 'utf8').trim().split('\n').slice(after);
    const last = JSON.parse(lines[lines.length - 1] as string);
    return last.corpus.tokens as number;
  } catch {
    return -1;
  }
}

async function waitFor(predicate: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function scenario(): { dir: string; log: string; out: string; state: string } {
  const dir = join(root, `p${n++}`);
  mkdirSync(dir, { recursive: true });
  return { dir, log: join(dir, 'a.jsonl'), out: join(dir, 'out.ndjson'), state: join(dir, 'state') };
}

describe('xent watch as a process', () => {
  it('kill -9 at random moments while a writer appends, then restarts: totals equal a clean run', async () => {
    const { dir, log, out, state } = scenario();
    const lines = recordLines(31, 3000);
    writeFileSync(log, '');
    let written = '';
    let pos = 0;
    for (let round = 0; round < 6; round++) {
      const d = daemon([log, '--state', state, '--out', out, ...FAST]);
      const end = Math.min(lines.length, pos + 500);
      // The writer appends in odd-sized pieces while the daemon runs; the kill lands anywhere,
      // including inside a checkpoint write.
      while (pos < end) {
        const piece = text(lines.slice(pos, pos + 37));
        appendFileSync(log, piece);
        written += piece;
        pos += 37;
        await new Promise((r) => setTimeout(r, 3));
      }
      await new Promise((r) => setTimeout(r, 20 + ((round * 53) % 120)));
      d.child.kill('SIGKILL');
      expect(await d.exit).toBe(-9);
    }
    const before = lineCount(out);
    const d = daemon([log, '--state', state, '--out', out, ...FAST]);
    const expected = await oracle(dir, [written]);
    await waitFor(() => folded(out, before) === expected.corpus.tokens);
    d.child.kill('SIGTERM');
    expect(await d.exit).toBe(0);
    expectSameTotals(lastFinal(out), expected);
  });

  it('SIGTERM under load: stops reading, commits, writes the final report, exits 0; a restart finishes the job', async () => {
    const { dir, log, out, state } = scenario();
    const content = text(recordLines(32, 40_000));
    writeFileSync(log, content);
    const d1 = daemon([log, '--state', state, '--out', out, ...FAST]);
    await waitFor(() => folded(out) > 0);
    d1.child.kill('SIGTERM');
    expect(await d1.exit).toBe(0);
    const partial = lastFinal(out);
    const expected = await oracle(dir, [content]);
    expect(partial.corpus.tokens).toBeLessThanOrEqual(expected.corpus.tokens);
    const before = lineCount(out);
    const d2 = daemon([log, '--state', state, '--out', out, ...FAST]);
    await waitFor(() => folded(out, before) === expected.corpus.tokens);
    d2.child.kill('SIGTERM');
    expect(await d2.exit).toBe(0);
    expectSameTotals(lastFinal(out), expected);
  });

  it('SIGHUP stops as gracefully as SIGTERM: final report, exit 0, lock released', async () => {
    const { dir, log, out, state } = scenario();
    const content = text(recordLines(35, 2_000));
    writeFileSync(log, content);
    const d1 = daemon([log, '--state', state, '--out', out, ...FAST]);
    const expected = await oracle(dir, [content]);
    await waitFor(() => folded(out) === expected.corpus.tokens);
    d1.child.kill('SIGHUP');
    expect(await d1.exit).toBe(0);
    expectSameTotals(lastFinal(out), expected);
    expect(existsSync(join(state, 'lock'))).toBe(false);
  });

  it('a second signal exits at once, and the last checkpoint is still valid', async () => {
    const { dir, log, out, state } = scenario();
    const content = text(recordLines(33, 20_000));
    writeFileSync(log, content);
    const d1 = daemon([log, '--state', state, '--out', out, ...FAST]);
    await waitFor(() => folded(out) > 0);
    d1.child.kill('SIGINT');
    d1.child.kill('SIGINT');
    const code = await d1.exit;
    expect([0, 130]).toContain(code);
    const before = lineCount(out);
    const d2 = daemon([log, '--state', state, '--out', out, ...FAST]);
    const expected = await oracle(dir, [content]);
    await waitFor(() => folded(out, before) === expected.corpus.tokens);
    d2.child.kill('SIGTERM');
    expect(await d2.exit).toBe(0);
    expectSameTotals(lastFinal(out), expected);
  });

  it('one daemon per state directory', async () => {
    const { log, out, state } = scenario();
    writeFileSync(log, text(recordLines(34, 10)));
    const d1 = daemon([log, '--state', state, '--out', out, ...FAST]);
    await waitFor(() => folded(out) > 0);
    const d2 = daemon([log, '--state', state, '--out', `${out}.2`, ...FAST]);
    expect(await d2.exit).toBe(2);
    expect(d2.stderr()).toMatch(/in use by process \d+/);
    d1.child.kill('SIGTERM');
    expect(await d1.exit).toBe(0);
  });

  it('a 50 MB line is a bad record, read in bounded memory (the control, with a larger limit, buffers it)', async () => {
    const { log } = scenario();
    writeFileSync(log, `{"id":"a","logprobs":[-1]}\n{"id":"big","logprobs":[${'-1,'.repeat(50 * 1024 * 1024 / 3)}-1]}\n{"id":"c","logprobs":[-1]}\n`);
    const peak = async (maxLine: string): Promise<{ rss: number; final: Report }> => {
      const { out, state } = scenario();
      const d = daemon([log, '--state', state, '--out', out, '--max-line-bytes', maxLine, ...FAST]);
      await waitFor(() => folded(out) === 2 || folded(out) > 1000, 60_000);
      d.child.kill('SIGTERM');
      expect(await d.exit).toBe(0);
      return { rss: Number(/XENT_BENCH_MAX_RSS_KB=(\d+)/.exec(d.stderr())?.[1]) / 1024, final: lastFinal(out) };
    };
    const bounded = await peak(String(1024 * 1024));
    expect(bounded.final.corpus.tokens).toBe(2);
    expect(bounded.final.bad_records.examples[0]).toMatchObject({ line: 2, code: 'LINE_TOO_LONG' });
    const control = await peak(String(128 * 1024 * 1024));
    expect(control.rss - bounded.rss).toBeGreaterThan(40);
    expect(bounded.rss).toBeLessThan(128);
  }, 120_000);

  it('serves Prometheus metrics and /healthz on 127.0.0.1', async () => {
    const { log, out, state } = scenario();
    writeFileSync(log, text(recordLines(35, 10)));
    const d = daemon([log, '--state', state, '--out', out, '--metrics-port', '0', ...FAST]);
    await waitFor(() => /metrics on http:\/\/127\.0\.0\.1:(\d+)/.test(d.stderr()));
    await waitFor(() => folded(out) > 0);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(d.stderr())?.[1]);
    const fetchText = (path: string) =>
      new Promise<string>((resolve, reject) => get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      }).on('error', reject));
    expect(await fetchText('/healthz')).toBe('ok\n');
    const metrics = await fetchText('/metrics');
    const tokens = Number(/^xent_tokens_total (\d+)$/m.exec(metrics)?.[1]);
    expect(tokens).toBeGreaterThan(0);
    expect(metrics).toMatch(/xent_file_lag_bytes\{file=".*a\.jsonl"\} 0/);
    expect(metrics).toMatch(/^xent_build_info\{version="\d+\.\d+\.\d+",node="v\d+/m);
    const bytes = Number(/^xent_read_bytes_total (\d+)$/m.exec(metrics)?.[1]);
    expect(bytes).toBe(Buffer.byteLength(readFileSync(log)));
    const sequences = Number(/^xent_sequence_cross_entropy_nats_count (\d+)$/m.exec(metrics)?.[1]);
    expect(sequences).toBeGreaterThan(0);
    d.child.kill('SIGTERM');
    expect(await d.exit).toBe(0);
    // The sequences kept for the histogram never leak into the final report (as xent report without --per-sequence).
    expect(lastFinal(out)).not.toHaveProperty('sequences');
    // A restart serves the restored counters at once (before any new line or the first interval), not zeros.
    const again = daemon([log, '--state', state, '--out', out, '--metrics-port', '0', '--interval', '1h', '--poll', '20ms']);
    await waitFor(() => /metrics on http:\/\/127\.0\.0\.1:(\d+)/.test(again.stderr()));
    const port2 = Number(/127\.0\.0\.1:(\d+)/.exec(again.stderr())?.[1]);
    const scrape = () => new Promise<string>((resolve, reject) => get({ host: '127.0.0.1', port: port2, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject));
    // The port opens before the checkpoint is loaded; the restored totals follow it without waiting for the 1 h interval.
    let restored = await scrape();
    for (let i = 0; i < 200 && !/^xent_tokens_total /m.test(restored); i++) {
      await new Promise((r) => setTimeout(r, 25));
      restored = await scrape();
    }
    expect(Number(/^xent_tokens_total (\d+)$/m.exec(restored)?.[1])).toBe(tokens);
    expect(Number(/^xent_read_bytes_total (\d+)$/m.exec(restored)?.[1])).toBe(bytes);
    expect(Number(/^xent_sequence_cross_entropy_nats_count (\d+)$/m.exec(restored)?.[1])).toBe(sequences);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  });

  it('runs as a pipeline: xent run with mode watch', async () => {
    const { dir, log, out, state } = scenario();
    const content = text(recordLines(36, 50));
    writeFileSync(log, content);
    const pipeline = join(dir, 'tail.json');
    writeFileSync(
      pipeline,
      JSON.stringify({ mode: 'watch', source: { paths: [join(dir, '*.jsonl')] }, windows: { interval: '100ms', tokens: 50 }, state, outputs: [{ type: 'ndjson', path: out }] }),
    );
    const child = spawn(process.execPath, [bin, 'run', pipeline], { stdio: 'ignore' });
    const exit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const expected = await oracle(dir, [content]);
    await waitFor(() => folded(out) === expected.corpus.tokens);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const final = lastFinal(out);
    expectSameTotals(final, expected);
  });
});

describe('xent watch --release-after', () => {
  /** A writer that keeps appending through its old handle after the file is renamed out of the pattern. */
  async function renamedWhileWritten(releaseAfter: string, everyMs: number): Promise<{ final: Report; expected: Report }> {
    const { dir, log, out, state } = scenario();
    let written = text(recordLines(60, 50));
    writeFileSync(log, written);
    const d = daemon([log, '--state', state, '--out', out, ...FAST, '--release-after', releaseAfter]);
    await waitFor(() => folded(out) > 0);
    const fd = openSync(log, 'a');
    renameSync(log, join(dir, 'a.rotated'));
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, everyMs));
      const piece = text(recordLines(61 + i, 5, `w${i}`));
      writeSync(fd, piece);
      written += piece;
    }
    closeSync(fd);
    await new Promise((r) => setTimeout(r, 300));
    d.child.kill('SIGTERM');
    expect(await d.exit).toBe(0);
    return { final: lastFinal(out), expected: await oracle(dir, [written]) };
  }

  it('keeps a file renamed out of the pattern open while a writer still appends through its old handle', async () => {
    const { final, expected } = await renamedWhileWritten('1500ms', 400);
    expectSameTotals(final, expected);
  });

  it('control: a release-after shorter than the writer\'s period lets the file go, and its later lines are lost', async () => {
    const { final, expected } = await renamedWhileWritten('100ms', 400);
    expect(final.corpus.tokens).toBeLessThan(expected.corpus.tokens);
  });

  it('rejects a release-after that is not a duration', async () => {
    const { log, state } = scenario();
    writeFileSync(log, '');
    const d = daemon([log, '--state', state, '--release-after', 'soon']);
    expect(await d.exit).toBe(1);
    expect(d.stderr()).toMatch(/--release-after/);
  });
});
