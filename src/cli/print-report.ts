import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { XentError } from '../errors.js';
import { toJson } from '../reports/json-report.js';
import { renderMarkdown } from '../reports/markdown-report.js';
import type { Report } from '../reports/report.js';
import { renderText } from '../reports/text-report.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './report-runner.js';
import { useColor } from './terminal.js';

export type PrintMode = 'text' | 'json' | 'markdown';

/**
 * Prints a report built elsewhere (merged states, a collected job) with `xent report`'s renderers,
 * and gives the exit code `xent report` would: 2 when an input failed, 3 with --strict and bad records.
 */
export async function printReport(report: Report, mode: PrintMode, path: string | undefined, strict: boolean, io: Io): Promise<number> {
  const file = path !== undefined && path !== '-' ? createWriteStream(path) : undefined;
  if (file !== undefined) {
    try {
      await once(file, 'open');
    } catch (error) {
      throw new XentError('INPUT_READ_FAILED', `${path}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
    }
  }
  const out = file ?? io.stdout;
  out.write(
    mode === 'json'
      ? `${toJson(report, 2)}\n`
      : mode === 'markdown'
        ? renderMarkdown(report)
        : renderText(report, { color: file === undefined && useColor(io.stdout, io.env) }),
  );
  if (file !== undefined) {
    file.end();
    await once(file, 'close');
  }
  for (const f of report.files) if (f.status === 'failed') io.stderr.write(`xent: ${f.error ?? f.file}\n`);
  if (report.files.some((f) => f.status === 'failed')) return EXIT.INPUT;
  if (strict && (report.bad_records.count > 0 || report.failed_requests.count > 0)) {
    io.stderr.write(`xent: --strict: ${report.bad_records.count} bad record(s), ${report.failed_requests.count} failed request(s)\n`);
    return EXIT.STRICT;
  }
  return EXIT.OK;
}
