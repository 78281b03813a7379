import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Plan } from '../config/plan/types.js';
import type { ConfigFormat } from '../config/document/model.js';
import { validateConfig as validateFile, type ValidationResult } from '../config/validate.js';
import { ConfigError } from '../errors.js';

/**
 * Where a configuration comes from: a file path, or text (with a name for diagnostics and the
 * directory relative includes resolve against). A bare string is a path when it names an existing
 * file, and configuration text otherwise.
 */
export type ConfigSource = string | { readonly path: string } | { readonly text: string; readonly name?: string; readonly format?: ConfigFormat };

export interface ConfigOptions {
  /** Environment for `${VAR}` (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against (default: process.cwd()). */
  readonly cwd?: string;
}

function isPath(text: string, cwd: string): boolean {
  if (text.includes('\n')) return false;
  const p = resolve(cwd, text);
  return existsSync(p) && statSync(p).isFile();
}

/** Reads, resolves and checks a configuration; never throws for problems in it. */
export function check(source: ConfigSource, options: ConfigOptions = {}): ValidationResult {
  const cwd = options.cwd ?? process.cwd();
  const common = { cwd, ...(options.env ? { env: options.env } : {}) };
  if (typeof source === 'string') {
    if (isPath(source, cwd)) return validateFile(resolve(cwd, source), common);
    return validateFile(resolve(cwd, 'inline.conf'), { ...common, text: source, format: 'classic' });
  }
  if ('path' in source) return validateFile(resolve(cwd, source.path), common);
  const name = source.name ?? (source.format === 'yaml' ? 'inline.yaml' : 'inline.conf');
  return validateFile(resolve(cwd, name), { ...common, text: source.text, ...(source.format ? { format: source.format } : {}) });
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
