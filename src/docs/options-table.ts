/**
 * One row per option of a table, as `explain` and the generated docs show it: the key (with its
 * other spellings), type, default as Fluent Bit writes it, whether it is required or may repeat,
 * the description and, for options logferry accepts without acting on them, why.
 */
import type { AnySpec, OptionTable } from '../options/spec.js';

export interface OptionRow {
  /** The key as Fluent Bit documents it, lowercase; a prefix key as `parser_N`. */
  readonly key: string;
  readonly aliases: readonly string[];
  readonly type: string;
  readonly default: string | undefined;
  /** The words an enum accepts (any case). */
  readonly values: readonly string[];
  readonly required: boolean;
  readonly repeatable: boolean;
  readonly description: string;
  /** Set when logferry accepts the key but does not act on it: the reason. */
  readonly unsupported: string | undefined;
  /** Values logferry does not implement, each with why (and whether `run` refuses them). */
  readonly unsupportedValues: readonly string[];
}

/** Options of kind `unsupported` take any text; others keep their type even when not acted on. */
function typeOf(spec: AnySpec): string {
  return spec.kind === 'unsupported' ? 'string' : spec.kind;
}

function unsupportedValuesOf(key: string, spec: AnySpec): string[] {
  return (spec.unsupportedValues ?? []).map((u) => `${key} ${u.values} (${u.severity === 'error' ? '`run` refuses it' : 'ignored'}: ${u.reason})`);
}

export function optionRows(table: OptionTable, except: OptionTable = {}): OptionRow[] {
  return Object.entries(table)
    .filter(([key]) => !Object.hasOwn(except, key))
    .map(([key, spec]) => ({
      key: spec.prefix ? `${key}N` : key,
      aliases: spec.aliases ?? [],
      type: typeOf(spec),
      default: spec.defaultText,
      values: spec.kind === 'unsupported' ? [] : (spec.values ?? []),
      required: spec.required,
      repeatable: spec.multiple && !spec.prefix,
      description: spec.doc,
      unsupported: spec.unsupported,
      unsupportedValues: unsupportedValuesOf(key, spec),
    }));
}

/** The flags column: required, repeatable, not supported (the key, or some of its values). */
export function flagsOf(row: OptionRow): string {
  const unsupported = row.unsupported !== undefined ? 'not supported' : row.unsupportedValues.length > 0 ? 'some values not supported' : '';
  return [row.required ? 'required' : '', row.repeatable ? 'repeatable' : '', unsupported].filter((f) => f).join(', ');
}

/** The description, with the other spellings and the reason logferry does not act on the key. */
export function describeRow(row: OptionRow): string {
  const aliases = row.aliases.length > 0 ? ` (also written ${row.aliases.join(', ')})` : '';
  const values = row.values.length > 0 ? `. Values: ${row.values.join(', ')}` : '';
  const unsupported = row.unsupported !== undefined ? `. Not supported by logferry: ${row.unsupported}` : '';
  const unsupportedValues = row.unsupportedValues.map((v) => `. Not supported by logferry: ${v}`).join('');
  return `${row.description}${aliases}${values}${unsupported}${unsupportedValues}`;
}
