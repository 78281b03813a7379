/**
 * How `logferry validate` writes its findings in each `--format`: the one place that maps a
 * format name to its formatter, so the usage text, the option check and the output agree.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatGithub, githubUnreadable } from '../diagnostics/format-github.js';
import { formatJson } from '../diagnostics/format-json.js';
import { formatSarif, type UnreadableInput } from '../diagnostics/format-sarif.js';
import { formatText } from '../diagnostics/format-text.js';
import type { CommandIo } from './io.js';
import { packageVersion } from './version.js';

export const VALIDATE_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export function isValidateFormat(format: string): format is ValidateFormat {
  return (VALIDATE_FORMATS as readonly string[]).includes(format);
}

export interface ValidateReport {
  readonly format: ValidateFormat;
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  /** `--sarif-root`: the directory SARIF artifact URIs are relative to. */
  readonly sarifRoot?: string | undefined;
  /** Inputs that could not be read (SARIF notifications, GitHub `::error` commands). */
  readonly unreadable?: readonly UnreadableInput[];
}

export function writeReport(report: ValidateReport, io: CommandIo): void {
  const { files, diagnostics, unreadable = [] } = report;
  if (report.format === 'json') io.stdout(formatJson(files, diagnostics));
  else if (report.format === 'sarif') io.stdout(formatSarif(diagnostics, { toolVersion: packageVersion(), cwd: io.cwd, root: report.sarifRoot, unreadable }));
  else if (report.format === 'github') io.stdout(formatGithub(diagnostics, files.length, { cwd: io.cwd, workspace: io.env['GITHUB_WORKSPACE'], unreadable }));
  else io.stdout(formatText(diagnostics, report.sources, files.length));
}

/**
 * Inputs that cannot be read, in the formats a CI step reads from stdout: a SARIF log with
 * `executionSuccessful: false` (so an upload step after a failed check still has a file) and
 * workflow `::error` commands. Text and JSON say it on stderr only, as before.
 */
export function writeUnreadable(format: ValidateFormat, unreadable: readonly UnreadableInput[], sarifRoot: string | undefined, io: CommandIo): void {
  if (format === 'sarif') io.stdout(formatSarif([], { toolVersion: packageVersion(), cwd: io.cwd, root: sarifRoot, unreadable }));
  if (format === 'github') for (const u of unreadable) io.stdout(`${githubUnreadable(u.file, u.reason)}\n`);
}
