import type { DiagnosticCode } from '../diagnostics/codes.js';

/** The result of parsing one configuration value. */
export type ParseOutcome<T> =
  | { ok: true; value: T; warning?: string }
  | { ok: false; message: string; code?: DiagnosticCode; hint?: string };

/** 'prefix': Fluent Bit STR_PREFIX keys (`parser_1`, `parser_2`): the plan holds [key, value] pairs. */
export type Cardinality = 'one' | 'many' | 'prefix';
export type Presence = 'always' | 'maybe';

/** What other definitions an option's value names; the plan resolves these. */
export type Reference = 'parser' | 'multiline_parser';

/**
 * One option of a plugin or section. `T` is the parsed value type; `C` whether the key may repeat
 * (then the plan holds an array); `P` whether the plan always has a value (required or defaulted).
 */
export interface OptionSpec<T = unknown, C extends Cardinality = Cardinality, P extends Presence = Presence> {
  /** Type name as shown in docs: string, bool, int, size, time, ... */
  readonly kind: string;
  readonly doc: string;
  readonly required: boolean;
  readonly multiple: C extends 'one' ? boolean : true;
  /** The default as Fluent Bit writes it (shown in docs), parsed into `defaultValue`. */
  readonly defaultText: string | undefined;
  readonly defaultValue: T | undefined;
  /** Allowed values for enums (lowercase). */
  readonly values?: readonly string[];
  readonly references?: Reference;
  /**
   * What Fluent Bit does when the referenced parser is not defined, where it logs an error and
   * starts anyway: such a reference is a warning saying so, not an error.
   */
  readonly ifUndefined?: string;
  /**
   * Set for Fluent Bit options logferry accepts but does not act on: the reason. Setting the key
   * gives an `unsupported-key` warning (the value is still parsed unless the kind is `unsupported`).
   */
  readonly unsupported?: string;
  /** Values of the option (or conditions on its value) logferry does not implement. */
  readonly unsupportedValues?: readonly UnsupportedValue<T>[];
  /** Other spellings Fluent Bit accepts for this key (e.g. `whitelist_key`). */
  readonly aliases?: readonly string[];
  /** The key is a prefix (Fluent Bit STR_PREFIX, e.g. `parser_` matches parser_1, parser_2...). */
  readonly prefix?: boolean;
  parse(text: string): ParseOutcome<T>;
  /** Phantom fields carrying the type parameters; never set at runtime. */
  readonly __cardinality?: C;
  readonly __presence?: P;
}

/**
 * A value of an option, or a condition on its parsed value, that logferry does not implement. The
 * plan reports it at the key's line; the runtime never decides about it again.
 */
export interface UnsupportedValue<T = unknown> {
  /** True for the parsed values logferry does not implement (method syntax: bivariant, as `parse`). */
  when(value: T): boolean;
  /** The values it covers, as docs and messages show them ("msgpack", "On", "a value containing $"). */
  readonly values: string;
  /** Why, and what logferry does instead. */
  readonly reason: string;
  /** 'error' when `run` refuses such a configuration; 'warning' when it runs without the behaviour. */
  readonly severity: 'error' | 'warning';
}

export type AnySpec = OptionSpec<unknown, Cardinality, Presence>;
export type OptionTable = Readonly<Record<string, AnySpec>>;

export type ValueOfSpec<S> =
  S extends OptionSpec<infer T, infer C, infer P>
    ? C extends 'prefix'
      ? readonly (readonly [string, T])[]
      : C extends 'many'
      ? readonly T[]
      : P extends 'always'
        ? T
        : T | undefined
    : never;

/** The typed options object a table produces: one property per key (lowercase Fluent Bit names). */
export type OptionsOf<Table> = { readonly [K in keyof Table]: ValueOfSpec<Table[K]> };
