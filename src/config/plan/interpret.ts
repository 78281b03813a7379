import type { Diagnostic, DiagnosticInit, Span } from '../../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../../diagnostics/codes.js';
import { didYouMean, matchCase } from '../../diagnostics/did-you-mean.js';
import { maskExpanded } from '../../diagnostics/secrets.js';
import { lookupOption, type CheckContext, type PluginDefinition, type SectionDefinition } from '../../options/define.js';
import type { AnySpec, OptionTable } from '../../options/spec.js';
import type { Entry, Section } from '../document/model.js';
import type { VariableScope } from '../resolve/env.js';
import { camelCase } from '../yaml/keys.js';

/** One key as the user wrote it, after `${VAR}` expansion and parsing, in file order. */
export interface PlanEntry {
  /** Canonical (table) key, lowercase. */
  readonly key: string;
  /** The key as written (differs from `key` for aliases and prefix keys). */
  readonly written: string;
  readonly value: unknown;
  readonly span: Span;
}

export interface Interpreted {
  /** Typed values by canonical key: defaults filled, repeatable keys as arrays, prefix keys as arrays of [key, value]. */
  readonly values: Record<string, unknown>;
  /** Canonical keys the user set. */
  readonly setKeys: ReadonlySet<string>;
  /** Every accepted entry in file order (for plugins that read rules in order across keys). */
  readonly entries: readonly PlanEntry[];
  /** Number of errors reported while interpreting (cross-key checks are skipped when > 0). */
  readonly errors: number;
}

/** What happens when a single-valued key is repeated. */
export type RepeatPolicy = 'error' | 'last-wins' | 'first-wins';

export interface InterpretOptions {
  /** Human name of the section for messages, e.g. "[INPUT] tail". */
  readonly where: string;
  readonly table: OptionTable;
  readonly scope: VariableScope;
  readonly report: (d: Diagnostic) => void;
  /** Policy for a repeated single-valued key; may depend on the key (generic vs plugin keys). */
  readonly repeat: (key: string) => RepeatPolicy;
  /** Keys to leave uninterpreted (e.g. all plugin keys of an unsupported plugin). */
  readonly skipUnknown?: boolean;
  /** Severity of unknown keys (Fluent Bit ignores unknown [SERVICE] keys, so those are warnings). */
  readonly unknownSeverity?: 'error' | 'warning';
  /** Extra text for unknown-key messages. */
  readonly unknownNote?: string;
  /** Skip the required-key check (the section had syntax errors, so keys may be missing for that reason). */
  readonly skipRequired?: boolean;
  /** Entries already consumed by the caller (e.g. `Name`), by canonical key. */
  readonly preset?: ReadonlyMap<string, { value: string; entry: Entry }>;
}

/**
 * Interprets one section against an options table: unknown keys (with did-you-mean), repeated
 * keys, `${VAR}` expansion, value parsing, required keys and defaults. All problems are reported;
 * nothing throws.
 */
export function interpretSection(section: Section, opts: InterpretOptions): Interpreted {
  const { table, scope, where } = opts;
  let errors = 0;
  const report = (d: DiagnosticInit) => {
    const diagnostic = makeDiagnostic(d);
    if (diagnostic.severity === 'error') errors++;
    opts.report(diagnostic);
  };
  const values: Record<string, unknown> = {};
  const setKeys = new Set<string>();
  const entries: PlanEntry[] = [];
  const firstSpan = new Map<string, Span>();
  const counts = new Map<string, number>();
  // Keys written with a value that expanded to nothing (Fluent Bit treats them as not set).
  const emptied = new Map<string, Entry>();
  const listsReported = new Set<number>();

  for (const entry of section.entries) {
    const found = lookupOption(table, entry.key);
    if (!found) {
      if (opts.skipUnknown) continue;
      const guess = didYouMean(entry.key, candidateKeys(table));
      const translated = entry.writtenKey !== undefined ? ` (Fluent Bit reads it as '${entry.key}')` : '';
      report({
        code: 'unknown-key',
        severity: opts.unknownSeverity ?? 'error',
        message: `unknown key '${entry.writtenKey ?? entry.key}' in ${where}${translated}${opts.unknownNote ?? ''}`,
        span: entry.keySpan,
        hint: guess ? `did you mean '${suggestKey(entry, guess)}'?` : undefined,
      });
      continue;
    }
    const spec = table[found.name]!;
    const canonical = found.name;
    if (spec.unsupported) {
      report({ code: 'unsupported-key', message: `'${entry.key}' in ${where} is not supported by logferry: ${spec.unsupported}`, span: entry.keySpan });
    }
    if (entry.nested) {
      // A nested YAML map (processors accept them); only untyped options logferry does not act on may take one.
      if (spec.kind !== 'unsupported') {
        report({ code: 'invalid-value', message: `'${entry.key}' in ${where} must be a value, not a map`, span: entry.valueSpan });
      }
      continue;
    }
    const n = (counts.get(canonical) ?? 0) + 1;
    counts.set(canonical, n);
    if (!spec.multiple && n > 1 && entry.listSpan) {
      // A YAML list is the key repeated: one report for the list, at the list.
      const policy = opts.repeat(canonical);
      if (!listsReported.has(entry.listSpan.start.offset)) {
        listsReported.add(entry.listSpan.start.offset);
        report({
          code: 'duplicate-key',
          severity: policy === 'error' ? 'error' : 'warning',
          message:
            policy === 'error'
              ? `'${entry.key}' in ${where} takes one value, not a list`
              : `'${entry.key}' in ${where} takes one value; of this list Fluent Bit keeps the ${policy === 'last-wins' ? 'last' : 'first'} item`,
          span: entry.listSpan,
          hint: policy === 'error' ? 'Fluent Bit sets it once per item and stops with "configuration property is set N times"; keep one value' : undefined,
        });
      }
      if (policy !== 'last-wins') continue;
    } else if (!spec.multiple && n > 1) {
      const policy = opts.repeat(canonical);
      const prev = firstSpan.get(canonical);
      const prevAt = prev ? ` (first set on line ${prev.start.line})` : '';
      if (policy === 'error') {
        report({
          code: 'duplicate-key',
          message: `'${entry.key}' is set more than once in ${where}${prevAt}`,
          span: entry.keySpan,
          hint: 'Fluent Bit stops with "configuration property is set N times"; keep one',
        });
        continue;
      }
      report({
        code: 'duplicate-key',
        severity: 'warning',
        message: `'${entry.key}' is set more than once in ${where}${prevAt}; the ${policy === 'last-wins' ? 'last' : 'first'} value is used`,
        span: entry.keySpan,
      });
      if (policy === 'first-wins') continue;
    }
    if (!firstSpan.has(canonical)) firstSpan.set(canonical, entry.keySpan);

    const preset = opts.preset?.get(canonical);
    const text = preset && preset.entry === entry ? preset.value : scope.expand(entry.value, entry.valueSpan, report);
    if (text.length === 0) {
      // Fluent Bit treats a value that expands to nothing as not set.
      emptied.set(canonical, entry);
      continue;
    }
    const parsed = spec.parse(text);
    if (!parsed.ok) {
      const hint = parsed.hint === undefined ? undefined : maskExpanded(parsed.hint, entry.value, text);
      report({ code: parsed.code ?? 'invalid-value', message: maskExpanded(`${entry.key}: ${parsed.message}`, entry.value, text), span: entry.valueSpan, hint });
      setKeys.add(canonical);
      continue;
    }
    if (parsed.warning) {
      report({ code: 'invalid-value', severity: 'warning', message: maskExpanded(`${entry.key}: ${parsed.warning}`, entry.value, text), span: entry.valueSpan });
    }
    setKeys.add(canonical);
    entries.push({ key: canonical, written: entry.key, value: parsed.value, span: entry.span });
    if (spec.prefix) {
      const list = (values[canonical] as [string, unknown][] | undefined) ?? [];
      list.push([found.prefixKey ?? canonical, parsed.value]);
      values[canonical] = list;
    } else if (spec.multiple) {
      const list = (values[canonical] as unknown[] | undefined) ?? [];
      list.push(parsed.value);
      values[canonical] = list;
    } else {
      values[canonical] = parsed.value;
    }
  }

  for (const [key, spec] of Object.entries(table)) {
    if (values[key] !== undefined) continue;
    const empty = emptied.get(key);
    if (spec.required && !setKeys.has(key) && empty) {
      report({
        code: 'missing-required',
        message: `${empty.key} in ${where} is required but its value '${empty.value}' expands to nothing`,
        span: empty.valueSpan,
        hint: 'Fluent Bit treats an empty value as not set; define the variable',
      });
    } else if (spec.required && !setKeys.has(key) && !opts.skipRequired) {
      report({
        code: 'missing-required',
        message: `${where} is missing the required key '${key}'`,
        span: section.span,
        hint: spec.doc ? `${key}: ${spec.doc}` : undefined,
      });
    }
    if (spec.multiple || spec.prefix) values[key] = spec.defaultValue === undefined ? [] : [spec.defaultValue];
    else if (spec.defaultValue !== undefined) values[key] = spec.defaultValue;
  }
  return { values, setKeys, entries, errors };
}

/** Runs a table's cross-key rules, only when every value parsed and required keys are present (no cascades). */
export function runCheck(def: SectionDefinition | PluginDefinition, section: Section, interpreted: Interpreted, report: (d: Diagnostic) => void, configDir?: string): void {
  if (!def.check || interpreted.errors > 0) return;
  // A damaged section skips the missing-required report; its rules would read the missing value.
  if (Object.entries(def.options).some(([key, spec]) => spec.required && interpreted.values[key] === undefined)) return;
  def.check(interpreted.values as never, { ...checkContext(section, interpreted, def.options, report), configDir });
}

/** A CheckContext reporting at the entry of a key (or the section header). */
export function checkContext(section: Section, interpreted: Interpreted, table: OptionTable, report: (d: Diagnostic) => void): CheckContext {
  return checkContextAt(section.span, (key) => spanOfKey(section, table, key), interpreted.setKeys, report);
}

/**
 * A CheckContext reporting at `spanOf(key)` when a rule names a key and it was written, else at
 * `fallback` (the section header); `setKeys` are the canonical keys the user set.
 */
export function checkContextAt(fallback: Span, spanOf: (key: string) => Span | undefined, setKeys: ReadonlySet<string>, report: (d: Diagnostic) => void): CheckContext {
  return {
    report(code: DiagnosticCode, message: string, options = {}) {
      const span = options.key ? spanOf(options.key) : undefined;
      report(makeDiagnostic({ code, message, span: span ?? fallback, hint: options.hint, severity: options.severity }));
    },
    isSet(key: string) {
      return setKeys.has(key.toLowerCase());
    },
  };
}

/** The span of the last entry for `key` (what Fluent Bit uses), or undefined. */
export function spanOfKey(section: Section, table: OptionTable, key: string): Span | undefined {
  let span: Span | undefined;
  const k = key.toLowerCase();
  for (const e of section.entries) {
    const found = lookupOption(table, e.key);
    if ((found?.name ?? e.key.toLowerCase()) === k) span = e.span;
  }
  return span;
}

/** A did-you-mean key in the user's style: camelCase for a YAML camelCase key, else the written case. */
function suggestKey(entry: Entry, canonical: string): string {
  const written = entry.writtenKey ?? entry.key;
  if (entry.writtenKey !== undefined && !written.includes('_')) return camelCase(canonical);
  return matchCase(written, canonical);
}

export function candidateKeys(table: OptionTable): string[] {
  const keys: string[] = [];
  for (const [k, spec] of Object.entries(table) as [string, AnySpec][]) {
    keys.push(k);
    if (spec.aliases) keys.push(...spec.aliases);
  }
  return keys;
}
