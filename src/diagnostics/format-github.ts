/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`): each diagnostic becomes an
 * annotation on the pull request and the run, also in private repositories without code scanning.
 * Escaping is that of GitHub's toolkit (@actions/core): `%`, CR and LF in the message; also `:`
 * and `,` in property values. File names are relative to GITHUB_WORKSPACE (or the working
 * directory), the root GitHub resolves annotation paths against.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Diagnostic, Severity } from './diagnostic.js';
import { summarize } from './format-text.js';
import { maskDiagnostic } from './secrets.js';

export interface GithubOptions {
  /** Directory the diagnostics' relative file names are relative to. */
  readonly cwd: string;
  /** Directory annotation paths are written relative to (GITHUB_WORKSPACE; default `cwd`). */
  readonly workspace?: string | undefined;
}

const COMMAND: Readonly<Record<Severity, string>> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `file` relative to the workspace with `/`; absolute when it lies outside it. */
export function workspacePath(file: string, options: GithubOptions): string {
  const absolute = resolve(options.cwd, file);
  const rel = relative(resolve(options.cwd, options.workspace ?? '.'), absolute);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return absolute;
  return rel.split(sep).join('/');
}

/** One diagnostic as a workflow command line. */
export function githubCommand(diagnostic: Diagnostic, options: GithubOptions): string {
  const d = maskDiagnostic(diagnostic);
  const properties: [string, string | number][] = [];
  if (d.file !== '<unknown>') {
    properties.push(['file', workspacePath(d.file, options)], ['line', d.line], ['col', d.column]);
    if (d.endLine !== undefined) properties.push(['endLine', d.endLine]);
    // GitHub takes a column range only on one line.
    if (d.endColumn !== undefined && d.endLine === d.line) properties.push(['endColumn', d.endColumn]);
  }
  properties.push(['title', `logferry ${d.code}`]);
  const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
  const message = d.hint ? `${d.message}\nhelp: ${d.hint}` : d.message;
  return `::${COMMAND[d.severity]} ${props}::${escapeData(message)}`;
}

/** An input that could not be read, as an `::error` command without a file (there is no line to point at). */
export function githubUnreadable(file: string, reason: string): string {
  return `::error title=logferry::${escapeData(`cannot read '${file}': ${reason}`)}`;
}

/** Unreadable inputs and every diagnostic as workflow commands, then the summary line (plain log text). */
export function formatGithub(diagnostics: readonly Diagnostic[], fileCount: number, options: GithubOptions & { readonly unreadable?: readonly { file: string; reason: string }[] }): string {
  const lines = (options.unreadable ?? []).map((u) => githubUnreadable(u.file, u.reason));
  lines.push(...diagnostics.map((d) => githubCommand(d, options)), summarize(diagnostics, fileCount));
  return `${lines.join('\n')}\n`;
}
