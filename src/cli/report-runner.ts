import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { evaluate, type EvaluateOptions } from '../evaluate.js';
import { XentError } from '../errors.js';
import { deadLetterLine } from '../formats/dead-letter.js';
import { toJson } from '../reports/json-report.js';
import type { Report } from '../reports/report.js';
import type { ReportState } from '../state/report-state.js';
import { EXIT } from './exit-codes.js';
import { ProgressLine, useColor } from './terminal.js';

export type OutputMode = 'text' | 'json' | 'ndjson' | 'markdown';

export interface ReportOutput {
  type: OutputMode;
  /** A file path; undefined or '-' for stdout. */
  path?: string;
}

export interface ReportRun {
  inputs: string[];
  evaluate: EvaluateOptions;
  outputs: ReportOutput[];
  strict: boolean;
  deadLetter?: string;
  /** Write the evaluation's state here (see state/state-file.ts). */
  stateOut?: string;
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  stdin?: Readable;
  env: NodeJS.ProcessEnv;
}

interface OpenOutput {
  type: OutputMode;
  stream: NodeJS.WritableStream;
  file: WriteStream | undefined;
}

/**
 * Reads the inputs once and writes the report to every output; returns the exit code.
 * Shared by `report` (one output) and `run` (a pipeline's outputs).
 */
export async function runReport(run: ReportRun, io: Io): Promise<number> {
  const outputs: OpenOutput[] = [];
  for (const o of run.outputs) {
    const file = o.path !== undefined && o.path !== '-' ? createWriteStream(o.path) : undefined;
    if (file !== undefined) await opened(file, o.path as string);
    outputs.push({ type: o.type, stream: file ?? io.stdout, file });
  }
  let deadLetter: WriteStream | undefined;
  if (run.deadLetter !== undefined) {
    deadLetter = createWriteStream(run.deadLetter, { flags: 'a' });
    await opened(deadLetter, run.deadLetter);
  }
  const progress = new ProgressLine(io.stderr);
  const options: EvaluateOptions = {
    ...run.evaluate,
    stdin: io.stdin,
    onProgress: ({ records, tokens, filesDone, files }) =>
      progress.update(() => `xent: ${filesDone}/${files} files · ${records.toLocaleString('en-US')} records · ${tokens.toLocaleString('en-US')} tokens`),
  };
  const rollingTo = outputs.filter((o) => o.type === 'ndjson');
  if (rollingTo.length > 0) {
    options.onRolling = (rolling) => {
      progress.clear();
      const line = `${toJson(rolling)}\n`;
      for (const o of rollingTo) o.stream.write(line);
    };
  }
  if (deadLetter !== undefined) {
    const sink = deadLetter;
    options.onBadRecord = (bad, raw) => {
      sink.write(deadLetterLine(bad, raw));
    };
  }
  let state: ReportState | undefined;
  // The state's modules (and zlib) load only when a state is written: start-up on small files.
  const stateModule = run.stateOut === undefined ? undefined : await import('../state/report-state.js');
  if (stateModule !== undefined) options.onEvaluation = (evaluation) => (state = stateModule.reportStateOf(evaluation));
  let report: Report;
  try {
    report = await evaluate(run.inputs, options);
  } finally {
    progress.clear();
    if (deadLetter !== undefined) {
      deadLetter.end();
      await once(deadLetter, 'close');
    }
  }
  if (run.stateOut !== undefined && state !== undefined) await (await import('../state/state-file.js')).writeStateFile(run.stateOut, state);
  for (const o of outputs) {
    o.stream.write(
      o.type === 'json'
        ? `${toJson(report, 2)}\n`
        : o.type === 'ndjson'
          ? `${toJson(report)}\n`
          : o.type === 'markdown'
            ? (await import('../reports/markdown-report.js')).renderMarkdown(report)
            : (await import('../reports/text-report.js')).renderText(report, { color: o.file === undefined && useColor(io.stdout, io.env) }),
    );
    if (o.file !== undefined) {
      o.file.end();
      await once(o.file, 'close');
    }
  }
  for (const f of report.files) if (f.status === 'failed') io.stderr.write(`xent: ${f.error ?? f.file}\n`);
  if (report.files.some((f) => f.status === 'failed')) return EXIT.INPUT;
  if (run.strict && (report.bad_records.count > 0 || report.failed_requests.count > 0)) {
    io.stderr.write(`xent: --strict: ${report.bad_records.count} bad record(s), ${report.failed_requests.count} failed request(s)\n`);
    return EXIT.STRICT;
  }
  return EXIT.OK;
}

async function opened(stream: WriteStream, path: string): Promise<void> {
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new XentError('INPUT_READ_FAILED', `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
}
