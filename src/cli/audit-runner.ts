import { auditFiles } from '../audit/audit-files.js';
import { renderAuditMarkdown } from '../audit/audit-markdown-report.js';
import type { AuditReport } from '../audit/audit-report.js';
import { renderAuditText } from '../audit/audit-text-report.js';
import type { RankMetric } from '../audit/sequence-scores.js';
import { checkThresholds, type Thresholds } from '../audit/thresholds.js';
import { type DocumentOutput, openDeadLetters, writeOutputs } from '../audit/write-output.js';
import { deadLetterLine } from '../formats/dead-letter.js';
import { renderAuditPage } from '../audit/audit-page.js';
import { toJson } from '../reports/json-report.js';
import { finishRun } from './finish-run.js';
import type { InputSettings } from './input-settings.js';
import type { Io } from './report-runner.js';
import { ProgressLine, useColor } from './terminal.js';

/** What `xent audit` and an audit pipeline (`xent run`) need. */
export interface AuditSettings {
  inputs: string[];
  read: InputSettings;
  vocabSize?: number;
  top: number;
  rankBy: RankMetric;
  groupBy?: string;
  maxGroups: number;
  /** Tokens per worst sequence in the page's heat-map; kept only when an output is html. */
  detailTokens: number;
  /** The report as text, json or markdown, and the page as html, each to a file or stdout. */
  outputs: DocumentOutput[];
  deadLetter?: string;
  thresholds: Thresholds;
}

/** Audits the inputs in one pass, writes every output, names what failed or crossed; returns the exit code. */
export async function runAudit(settings: AuditSettings, io: Io): Promise<number> {
  const deadLetters = settings.deadLetter === undefined ? undefined : await openDeadLetters(settings.deadLetter);
  const progress = new ProgressLine(io.stderr);
  let report: AuditReport;
  try {
    report = await auditFiles(settings.inputs, {
      ...settings.read,
      vocabSize: settings.vocabSize,
      top: settings.top,
      rankBy: settings.rankBy,
      groupBy: settings.groupBy,
      maxGroups: settings.maxGroups,
      detailTokens: settings.outputs.some((o) => o.type === 'html') ? settings.detailTokens : 0,
      stdin: io.stdin,
      onBadRecord: deadLetters === undefined ? undefined : (bad, raw) => deadLetters.write(deadLetterLine(bad, raw)),
      onProgress: ({ records, filesDone, files }) => progress.update(() => `xent audit: ${filesDone}/${files} files · ${records.toLocaleString('en-US')} records`),
    });
  } finally {
    progress.clear();
    await deadLetters?.close();
  }
  const crossed = checkThresholds(report, settings.thresholds);
  await writeOutputs(
    settings.outputs,
    (type, toStdout) =>
      type === 'json'
        ? `${toJson(report, 2)}\n`
        : type === 'markdown'
          ? renderAuditMarkdown(report)
          : type === 'html'
            ? renderAuditPage(report)
            : renderAuditText(report, { color: toStdout && useColor(io.stdout, io.env) }),
    io.stdout,
  );
  return finishRun(
    io,
    report.inputs,
    crossed.map((t) => `${t.name} ${t.limit}${t.group === undefined ? '' : ` in group ${JSON.stringify(t.group)}`}: ${t.value}`),
  );
}
