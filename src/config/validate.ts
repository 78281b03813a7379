import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { analyzeRouting } from './analyze/routing.js';
import { buildPlan } from './plan/build.js';
import type { Plan } from './plan/types.js';
import { withHostname } from './resolve/env.js';
import { loadConfig, type LoadedConfig, type LoadOptions } from './resolve/load.js';
import { checkTarget } from './versions/check.js';
import type { FluentBitTarget } from './versions/target.js';

const STRUCTURAL = new Set<string>(['syntax-error', 'unknown-section', 'include-not-found', 'include-loop', 'unreadable-file', 'missing-name']);

export interface ValidateOptions extends LoadOptions {
  /** The Fluent Bit that will run the file: its plugins, keys and YAML sections are checked too. */
  target?: FluentBitTarget | undefined;
}

export interface ValidationResult {
  /** The plan, also when there are errors (then it is partial: sections with errors are left out or incomplete). */
  readonly plan: Plan;
  /** Every problem, sorted by file (in reading order), line and column. */
  readonly diagnostics: Diagnostic[];
  /** Every file read, main first. */
  readonly files: string[];
  /** Text of each file read, for printing source lines. */
  readonly sources: Map<string, string>;
  readonly ok: boolean;
}

/**
 * Validates a configuration, classic or YAML (by extension): reads it with its includes and
 * parsers files, builds the typed plan, and analyses routing. Never throws for problems in the
 * configuration.
 */
export function validateConfig(path: string, options: ValidateOptions = {}): ValidationResult {
  return validateLoaded(loadConfig(path, { ...options, env: withHostname(options.env ?? process.env) }), options.target);
}

/** Validates a configuration already read (by `loadConfig`, or assembled, as from a ConfigMap's data keys). */
export function validateLoaded(config: LoadedConfig, target?: FluentBitTarget): ValidationResult {
  const { plan, diagnostics } = buildPlan(config);
  // Routing is only analysed when every section is known: a missing include, an ignored section or
  // a section without Name could hold the input or output the analysis would miss.
  const incomplete = [...config.diagnostics, ...diagnostics].some((d) => d.severity === 'error' && STRUCTURAL.has(d.code));
  const all = [...config.diagnostics, ...diagnostics, ...(incomplete ? [] : analyzeRouting(plan)), ...(target ? checkTarget(config, target) : [])];
  const sorted = sortDiagnostics(dedupe(all), config.files);
  return { plan, diagnostics: sorted, files: config.files, sources: config.sources, ok: !sorted.some((d) => d.severity === 'error') };
}

/** @deprecated reads YAML too: use `validateConfig`. */
export const validateClassic = validateConfig;

/** The same `${VAR}` warning can be produced twice (e.g. a Name read for lookup and again as a key). */
function dedupe(items: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return items.filter((d) => {
    const k = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
