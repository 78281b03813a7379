import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Plan } from '../config/plan/types.js';
import type { ConfigFormat } from '../config/document/model.js';
import { validateConfig as validateFile, type ValidationResult } from '../config/validate.js';
import { ConfigError } from '../errors.js';

/**
 * Where a configuration comes from: `{ path }`, or `{ text }` (with a name for diagnostics and the
 * format). A bare string is a path when it names an existing file or looks like one (one line,
 * ending in .conf, .yaml or .yml, or holding a path separator and no `[`): a missing one is
 * "no such file", not text; any other string is classic configuration text.
 */
export type ConfigSource = string | { readonly path: string } | { readonly text: string; readonly name?: string; readonly format?: ConfigFormat };

export interface ConfigOptions {
  /** Environment for `${VAR}` (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against (default: process.cwd()). */
  readonly cwd?: string;
}

/** Whether a bare string is a path (see ConfigSource) rather than configuration text. */
export function looksLikePath(text: string, cwd: string): boolean {
  if (text.includes('\n') || text.trim() === '') return false;
  if (/\.(conf|ya?ml)$/i.test(text.trim())) return true;
  if (/[/\\]/.test(text) && !text.includes('[')) return true;
  const p = resolve(cwd, text);
  return existsSync(p) && statSync(p).isFile();
}

/** Reads, resolves and checks a configuration; never throws for problems in it. */
export function check(source: ConfigSource, options: ConfigOptions = {}): ValidationResult {
  const cwd = options.cwd ?? process.cwd();
  const common = { cwd, ...(options.env ? { env: options.env } : {}) };
  const fromFile = (path: string) => (existsSync(resolve(cwd, path)) ? validateFile(resolve(cwd, path), common) : notFound(path, common));
  if (typeof source === 'string') {
    if (looksLikePath(source, cwd)) return fromFile(source);
    return validateFile(resolve(cwd, 'inline.conf'), { ...common, text: source, format: 'classic' });
  }
  if ('path' in source) return fromFile(source.path);
  const name = source.name ?? (source.format === 'yaml' ? 'inline.yaml' : 'inline.conf');
  return validateFile(resolve(cwd, name), { ...common, text: source.text, ...(source.format ? { format: source.format } : {}) });
}

/** A configuration path that names nothing: one error naming it (and an empty plan). */
function notFound(path: string, common: { cwd: string }): ValidationResult {
  const empty = validateFile(resolve(common.cwd, path), { ...common, text: '', format: 'classic' });
  const diagnostic = makeDiagnostic({
    code: 'unreadable-file',
    message: `cannot read '${path}': no such file`,
    file: path,
    hint: 'a string that looks like a path is read as a file; pass { text } for configuration text',
  });
  return { ...empty, diagnostics: [diagnostic], ok: false };
}

/** Every problem in a configuration (errors, warnings, infos), sorted by place. */
export function validateConfig(source: ConfigSource, options: ConfigOptions = {}): Diagnostic[] {
  return check(source, options).diagnostics;
}

/** The typed plan of a configuration; throws a ConfigError carrying the diagnostics if it has errors. */
export function loadConfig(source: ConfigSource, options: ConfigOptions = {}): Plan {
  const result = check(source, options);
  if (!result.ok) throw new ConfigError(result.diagnostics);
  return result.plan;
}
