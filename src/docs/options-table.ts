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
}

function typeOf(spec: AnySpec): string {
  return spec.unsupported !== undefined ? 'string' : spec.kind;
}

export function optionRows(table: OptionTable, except: OptionTable = {}): OptionRow[] {
  return Object.entries(table)
    .filter(([key]) => !Object.hasOwn(except, key))
    .map(([key, spec]) => ({
      key: spec.prefix ? `${key}N` : key,
      aliases: spec.aliases ?? [],
      type: typeOf(spec),
      default: spec.defaultText,
      values: spec.unsupported === undefined ? (spec.values ?? []) : [],
      required: spec.required,
      repeatable: spec.multiple && !spec.prefix,
      description: spec.doc,
      unsupported: spec.unsupported,
    }));
}

/** The flags column: required, repeatable, not supported. */
export function flagsOf(row: OptionRow): string {
  return [row.required ? 'required' : '', row.repeatable ? 'repeatable' : '', row.unsupported !== undefined ? 'not supported' : ''].filter((f) => f).join(', ');
}

/** The description, with the other spellings and the reason logferry does not act on the key. */
export function describeRow(row: OptionRow): string {
  const aliases = row.aliases.length > 0 ? ` (also written ${row.aliases.join(', ')})` : '';
  const values = row.values.length > 0 ? `. Values: ${row.values.join(', ')}` : '';
  const unsupported = row.unsupported !== undefined ? `. Not supported by logferry: ${row.unsupported}` : '';
  return `${row.description}${aliases}${values}${unsupported}`;
}
