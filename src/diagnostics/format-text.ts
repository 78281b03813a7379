import type { Diagnostic } from './diagnostic.js';
import { maskDiagnostic, maskSecrets } from './secrets.js';
import { PLAIN_STYLE, type TextStyle } from './text-style.js';

/** Source text per file name, used to print the offending line under a diagnostic. */
export type SourceMap = ReadonlyMap<string, string>;

function sourceLine(text: string | undefined, line: number): string | undefined {
  if (text === undefined) return undefined;
  let start = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, end);
}

/** Tabs are shown as single spaces so that the caret lines up with the column. */
function visible(line: string): string {
  return line.replace(/\t/g, ' ');
}

/** Longest excerpt of a source line printed: a longer line is shown around the column. */
const EXCERPT = 200;

/**
 * One diagnostic as a compiler prints it: header, gutter with the source line, carets, help.
 * Values of secret-bearing keys are masked in the line, the message and the hint.
 */
export function formatDiagnostic(diagnostic: Diagnostic, sources: SourceMap, style: TextStyle = PLAIN_STYLE): string {
  const d = maskDiagnostic(diagnostic);
  const out = [`${style.emphasis(`${d.file}:${d.line}:${d.column}:`)} ${style.severity(d.severity, `${d.severity}[${d.code}]`)}: ${d.message}`];
  const line = sourceLine(sources.get(d.file), d.line);
  if (line !== undefined) {
    // A long line: the part from a little before the column, `...` marking what is left out.
    const from = line.length > EXCERPT ? Math.max(0, Math.min(d.column - 1 - 20, line.length - EXCERPT)) : 0;
    const cut = from > 0 || line.length - from > EXCERPT;
    const text = maskSecrets(cut ? `${from > 0 ? '...' : ''}${line.slice(from, from + EXCERPT)}${line.length - from > EXCERPT ? '...' : ''}` : line);
    const column = d.column - from + (from > 0 ? 3 : 0);
    const gutter = String(d.line);
    const pad = ' '.repeat(gutter.length);
    const lastCol = d.endLine === d.line && d.endColumn !== undefined ? d.endColumn - from + (from > 0 ? 3 : 0) : text.length + 1;
    const width = Math.max(1, Math.min(lastCol, text.length + 1) - column);
    out.push(style.gutter(`${pad} |`));
    out.push(`${style.gutter(`${gutter} |`)} ${visible(text)}`);
    out.push(`${style.gutter(`${pad} |`)} ${' '.repeat(Math.max(0, column - 1))}${style.severity(d.severity, '^'.repeat(width))}`);
  }
  if (d.hint) out.push(`  ${style.emphasis('help:')} ${d.hint}`);
  return out.join('\n');
}

export function summarize(diagnostics: readonly Diagnostic[], fileCount: number, style: TextStyle = PLAIN_STYLE, target?: string): string {
  const line = summaryLine(diagnostics, fileCount, style);
  return target ? `${line}; target: ${target}` : line;
}

function summaryLine(diagnostics: readonly Diagnostic[], fileCount: number, style: TextStyle): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const files = plural(fileCount, 'file');
  if (errors === 0 && warnings === 0) return `${style.severity('ok', 'ok')}: ${files} checked, no problems`;
  return `${errors > 0 ? style.severity('error', 'failed') : style.severity('ok', 'ok')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${files}`;
}

export function formatText(diagnostics: readonly Diagnostic[], sources: SourceMap, fileCount: number, style: TextStyle = PLAIN_STYLE, target?: string): string {
  const blocks = diagnostics.map((d) => formatDiagnostic(d, sources, style));
  blocks.push(summarize(diagnostics, fileCount, style, target));
  return `${blocks.join('\n\n')}\n`;
}
