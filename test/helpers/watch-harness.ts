import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { evaluate } from '../../src/evaluate.js';
import type { Report } from '../../src/reports/report.js';
import { LogWatcher, type LogWatcherOptions } from '../../src/watch/log-watcher.js';
import { tempDir } from './temp-dir.js';

/** Fast settings so scenarios finish in well under a second each on a loaded 2-core machine. */
export function watcherOptions(dir: string, patterns: string[], extra: Partial<LogWatcherOptions> = {}): LogWatcherOptions {
  return {
    patterns,
    stateDir: join(dir, 'state'),
    fromEnd: false,
    intervalMs: 40,
    pollMs: 15,
    checkpointMs: 30,
    window: 100,
    copyGraceMs: 150,
    releaseAfterMs: 60,
    readBudget: 4096,
    maxLineBytes: 1 << 20,
    accumulator: { segment: 'all', sentinels: 'include' },
    out: join(dir, 'out.ndjson'),
    warn: () => undefined,
    ...extra,
  };
}

export interface Running {
  watcher: LogWatcher;
  done: Promise<Report | undefined>;
}

export function start(options: LogWatcherOptions): Running {
  const watcher = new LogWatcher(options);
  return { watcher, done: watcher.run() };
}

/** Waits until the watcher has folded `tokens` tokens (or fails after `ms`). */
export async function until(predicate: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the watcher');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const folded = (r: Running, tokens: number) => () => r.watcher.corpus().tokens >= tokens;

export async function stop(r: Running): Promise<Report> {
  r.watcher.stop();
  const report = await r.done;
  if (report === undefined) throw new Error('no final report');
  return report;
}

export async function crash(r: Running): Promise<void> {
  r.watcher.abort();
  await r.done;
}

/** A seeded stream of records: whole sequences, interleaved one-token lines, now and then a sentinel. */
export function recordLines(seed: number, count: number, prefix = 'r'): string[] {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const lp = () => Number((-rand() * 8).toFixed(6));
    if (i % 5 === 3) lines.push(JSON.stringify({ sequence_id: `${prefix}-stream`, logprob: lp(), token: 'é✓' }));
    else lines.push(JSON.stringify({ id: `${prefix}-${i}`, logprobs: Array.from({ length: 1 + Math.floor(rand() * 6) }, lp), tokens: undefined }));
  }
  return lines;
}

/**
 * The oracle: `xent report` over every piece of content that was completely written, one file
 * per file generation (a truncated or rotated file's old content is a file of its own).
 */
export async function oracle(dir: string, generations: string[]): Promise<Report> {
  const odir = join(dir, `oracle-${Math.random().toString(36).slice(2)}`);
  mkdirSync(odir);
  const files = generations.map((content, i) => {
    const path = join(odir, `g${String(i).padStart(3, '0')}.jsonl`);
    // Only complete lines were "completely written".
    writeFileSync(path, content.slice(0, content.lastIndexOf('\n') + 1));
    return path;
  });
  return evaluate(files, { concurrency: 1 });
}

/** The figures that must agree exactly between the daemon and the oracle. */
export function expectSameTotals(actual: Report, expected: Report): void {
  const pick = (r: Report) => ({
    sequences: r.corpus.sequences,
    tokens: r.corpus.tokens,
    nll: r.corpus.nll,
    unscored: r.corpus.unscored,
    sentinels: r.corpus.sentinels,
    standard_error: r.corpus.standard_error,
    mean_sequence_perplexity: r.corpus.mean_sequence_perplexity,
    empty_sequences: r.corpus.empty_sequences,
    records: r.corpus.records,
    bad_records: r.bad_records.count,
  });
  expect(pick(actual)).toEqual(pick(expected));
}

/** A fresh directory per scenario, under one temp root per test file (removed after it). */
export function scenarios(prefix: string): () => string {
  const root = tempDir(prefix);
  let n = 0;
  return () => {
    const dir = join(root, `s${n++}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
}

/** Lines as a file holds them, each with its newline. */
export const text = (lines: string[]): string => lines.map((l) => `${l}\n`).join('');
