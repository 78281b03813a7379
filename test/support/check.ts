import type { DiagnosticCode } from '../../src/diagnostics/codes.js';
import type { Span } from '../../src/diagnostics/diagnostic.js';
import type { Entry, Section } from '../../src/config/document/model.js';
import { interpretSection } from '../../src/config/plan/interpret.js';
import { VariableScope } from '../../src/config/resolve/env.js';
import type { CheckContext } from '../../src/options/define.js';
import type { OptionsOf, OptionTable } from '../../src/options/spec.js';

/** Key -> value text, or several texts for a repeated key. */
export type Given = Readonly<Record<string, string | readonly string[]>>;

/** What a table's `check` reported. */
export interface Report {
  code: DiagnosticCode;
  message: string;
  key?: string;
  severity?: 'error' | 'warning' | 'info';
  hint?: string;
}

const AT: Span = { file: 'test.conf', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

/**
 * The typed options the plan builder gives `check`, built by the plan builder's own interpreter
 * from a section with the given keys. A value that does not parse throws (tests pass valid values).
 */
export function typedOptions(table: OptionTable, given: Given): { options: Record<string, unknown>; setKeys: ReadonlySet<string> } {
  const entries: Entry[] = Object.entries(given).flatMap(([key, text]) =>
    (typeof text === 'string' ? [text] : text).map((value) => ({ key, value, span: AT, keySpan: AT, valueSpan: AT })),
  );
  const section: Section = { kind: undefined, header: 'TEST', span: AT, entries };
  const interpreted = interpretSection(section, {
    where: '[TEST]',
    table,
    scope: new VariableScope({}),
    repeat: () => 'last-wins',
    skipRequired: true,
    report: (d) => {
      if (d.severity === 'error') throw new Error(`${d.code}: ${d.message}`);
    },
  });
  return { options: interpreted.values, setKeys: interpreted.setKeys };
}

/** The typed options of a table (or table fragment) with the given keys, as a runtime receives them. */
export function tableOptions<T extends OptionTable>(table: T, given: Given = {}): OptionsOf<T> {
  return typedOptions(table, given).options as OptionsOf<T>;
}

/** Runs a table's `check` on the given keys and returns what it reported. */
export function runCheck(def: { readonly options: OptionTable; check?(options: never, ctx: CheckContext): void }, given: Given = {}): Report[] {
  const { options, setKeys } = typedOptions(def.options, given);
  const reports: Report[] = [];
  const ctx: CheckContext = {
    report(code, message, o) {
      reports.push({ code, message, ...(o?.key ? { key: o.key } : {}), ...(o?.severity ? { severity: o.severity } : {}), ...(o?.hint ? { hint: o.hint } : {}) });
    },
    isSet: (key) => setKeys.has(key.toLowerCase()),
  };
  def.check?.(options as never, ctx);
  return reports;
}
