/**
 * How `logferry validate` writes its findings in each `--format`: the one place that maps a
 * format name to its formatter, so the usage text, the option check and the output agree.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatGithub } from '../diagnostics/format-github.js';
import { formatJson } from '../diagnostics/format-json.js';
import { formatSarif, type UnreadableInput } from '../diagnostics/format-sarif.js';
import { formatText } from '../diagnostics/format-text.js';
import type { TextStyle } from '../diagnostics/text-style.js';
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
  /**
   * Inputs that could not be read. Each is also an `unreadable-file` diagnostic (every format shows
   * it); SARIF adds `executionSuccessful: false` and a notification per input.
   */
  readonly unreadable?: readonly UnreadableInput[];
  /** Colour of the text format (a terminal); none elsewhere. */
  readonly style?: TextStyle | undefined;
  /**
   * The Fluent Bit the files were checked for: the JSON report always states it; the text summary
   * when it was chosen (option, environment, file), so the default keeps the summary short.
   */
  readonly target?: { readonly label: string; readonly chosen: boolean } | undefined;
}

export function writeReport(report: ValidateReport, io: CommandIo): void {
  const { files, diagnostics, unreadable = [] } = report;
  if (report.format === 'json') io.stdout(formatJson(files, diagnostics, report.target?.label));
  else if (report.format === 'sarif') io.stdout(formatSarif(diagnostics, { toolVersion: packageVersion(), cwd: io.cwd, root: report.sarifRoot, unreadable }));
  else if (report.format === 'github') io.stdout(formatGithub(diagnostics, files.length, { cwd: io.cwd, workspace: io.env['GITHUB_WORKSPACE'] }));
  else io.stdout(formatText(diagnostics, report.sources, files.length, report.style, report.target?.chosen ? report.target.label : undefined));
}
