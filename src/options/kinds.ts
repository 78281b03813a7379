import { didYouMean } from '../diagnostics/did-you-mean.js';
import { compileRegex, type CompiledRegex } from '../parsers/regex.js';
import type { AnySpec, Cardinality, OptionSpec, ParseOutcome, Presence, Reference, UnsupportedValue } from './spec.js';
import { splitSlistTokens } from './tokenize.js';
import { atof, atoi, parseBool, sizeToBytes, splitSecondsNanos, timeToSeconds } from './units.js';

export interface BaseConfig {
  readonly doc: string;
  readonly required?: boolean;
  /** Fluent Bit's default, written as Fluent Bit writes it ("32k", "5s", "on"). */
  readonly default?: string;
  readonly multiple?: boolean;
  readonly references?: Reference;
  /** See OptionSpec.ifUndefined. */
  readonly ifUndefined?: string;
  readonly aliases?: readonly string[];
  readonly prefix?: boolean;
}

type CardOf<C> = C extends { prefix: true } ? 'prefix' : C extends { multiple: true } ? 'many' : 'one';
type PresenceOf<C> = C extends { required: true } ? 'always' : C extends { default: string } ? 'always' : 'maybe';
export type Built<T, C> = OptionSpec<T, CardOf<C>, PresenceOf<C>>;

function build<T, C extends BaseConfig>(
  kind: string,
  config: C,
  parse: (text: string) => ParseOutcome<T>,
  extra: Partial<Pick<OptionSpec<T>, 'values' | 'unsupported'>> = {},
): Built<T, C> {
  let defaultValue: T | undefined;
  if (config.default !== undefined) {
    const parsed = parse(config.default);
    if (!parsed.ok) throw new Error(`option default ${JSON.stringify(config.default)} is not a valid ${kind}: ${parsed.message}`);
    defaultValue = parsed.value;
  }
  const spec: OptionSpec<T, Cardinality, Presence> = {
    kind,
    doc: config.doc,
    required: config.required ?? false,
    multiple: config.multiple ?? config.prefix ?? false,
    defaultText: config.default,
    defaultValue,
    parse,
    ...(config.references ? { references: config.references } : {}),
    ...(config.ifUndefined ? { ifUndefined: config.ifUndefined } : {}),
    ...(config.aliases ? { aliases: config.aliases } : {}),
    ...(config.prefix ? { prefix: true } : {}),
    ...extra,
  };
  return spec as Built<T, C>;
}

const ok = <T>(value: T, warning?: string): ParseOutcome<T> => (warning ? { ok: true, value, warning } : { ok: true, value });
const fail = <T>(message: string, hint?: string): ParseOutcome<T> => (hint ? { ok: false, message, hint } : { ok: false, message });

export function parseStrictBool(text: string): ParseOutcome<boolean> {
  const v = parseBool(text.trim());
  return v === undefined ? fail(`'${text}' is not a boolean`, 'use On/Off, True/False or Yes/No') : ok(v);
}

export function parseSizeValue(text: string): ParseOutcome<number> {
  const bytes = sizeToBytes(text);
  if (bytes < 0) {
    const binary = /^\s*[\d.]+\s*[kmgKMG]i[bB]?\s*$/.test(text);
    return fail(
      `'${text}' is not a size`,
      binary
        ? 'Fluent Bit sizes are decimal and do not accept KiB/MiB: write 32k, 5M or 2MB'
        : 'write a number with an optional K, KB, M, MB, G or GB suffix (decimal: 1K = 1000)',
    );
  }
  return ok(bytes);
}

export function parseTimeValue(text: string): ParseOutcome<number> {
  const t = text.trim();
  if (!/^[+-]?\d/.test(t)) return fail(`'${text}' is not a time`, 'write whole seconds with an optional s, m, h or d suffix');
  const seconds = timeToSeconds(t);
  const ms = seconds * 1000;
  if (/^[+-]?\d+[sSmMhHdD]?$/.test(t)) return ok(ms);
  if (/ms$/i.test(t)) return ok(ms, `Fluent Bit reads '${text}' as ${seconds} seconds (the last character is the unit)`);
  if (/^[+-]?\d+\.\d+[sSmMhHdD]?$/.test(t)) return ok(ms, `Fluent Bit truncates '${text}' to ${seconds} seconds`);
  return fail(`'${text}' is not a time`, 'write whole seconds with an optional s, m, h or d suffix');
}

function parseIntValue(text: string): ParseOutcome<number> {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t)) return ok(Number.parseInt(t, 10));
  if (/^[+-]?\d/.test(t)) {
    const n = atoi(t);
    return ok(n, `'${text}' is not an integer; Fluent Bit reads it as ${n}`);
  }
  return fail(`'${text}' is not an integer`);
}

function parseDoubleValue(text: string): ParseOutcome<number> {
  const t = text.trim();
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return ok(Number(t));
  if (/^[+-]?(?:\d|\.\d)/.test(t)) {
    const n = atof(t);
    return ok(n, `'${text}' is not a number; Fluent Bit reads it as ${n}`);
  }
  return fail(`'${text}' is not a number`);
}

function splitList(text: string, separator: RegExp): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface EnumConfig<V extends string> extends BaseConfig {
  readonly values: readonly V[];
}

export interface IntConfig extends BaseConfig {
  readonly min?: number;
  readonly max?: number;
}

export interface CustomConfig extends BaseConfig {
  readonly values?: readonly string[];
}

export interface UnsupportedConfig extends BaseConfig {
  /** Why logferry does not act on it (shown in the warning). */
  readonly reason: string;
}

/** The option kinds. Each parses Fluent Bit's own strings into a typed value. */
export const opt = {
  /** Free text. */
  string<const C extends BaseConfig>(config: C) {
    return build<string, C>('string', config, (t) => ok(t));
  },
  /** A fixed set of words, matched case-insensitively; the plan holds the lowercase word. */
  enum<const C extends EnumConfig<string>>(config: C) {
    type V = Lowercase<C['values'][number]>;
    const values = config.values.map((v) => v.toLowerCase());
    return build<V, C>(
      'enum',
      config,
      (t) => {
        const v = t.trim().toLowerCase();
        if (values.includes(v)) return ok(v as V);
        const guess = didYouMean(v, values);
        return fail(`'${t}' is not one of ${config.values.join(', ')}`, guess ? `did you mean '${guess}'?` : undefined);
      },
      { values },
    );
  },
  /** on/off, true/false, yes/no (case-insensitive). Anything else is an error, as in Fluent Bit's config map. */
  bool<const C extends BaseConfig>(config: C) {
    return build<boolean, C>('bool', config, parseStrictBool);
  },
  /** A [SERVICE] boolean: Fluent Bit treats unrecognised text as true, so that is a warning, not an error. */
  serviceBool<const C extends BaseConfig>(config: C) {
    return build<boolean, C>('bool', config, (t) => {
      const v = parseBool(t.trim());
      return v === undefined
        ? ok(true, `'${t}' is not a boolean; Fluent Bit's [SERVICE] reader treats it as On`)
        : ok(v);
    });
  },
  /** An integer (C atoi); trailing text is a warning. */
  int<const C extends IntConfig>(config: C) {
    return build<number, C>('int', config, (t) => {
      const r = parseIntValue(t);
      if (!r.ok) return r;
      if (config.min !== undefined && r.value < config.min) return fail(`${r.value} is below the minimum ${config.min}`);
      if (config.max !== undefined && r.value > config.max) return fail(`${r.value} is above the maximum ${config.max}`);
      return r;
    });
  },
  /** A floating-point number (C atof). */
  double<const C extends BaseConfig>(config: C) {
    return build<number, C>('double', config, parseDoubleValue);
  },
  /** A size in bytes with decimal units (`5M` = 5,000,000; `false` = 0). */
  size<const C extends BaseConfig>(config: C) {
    return build<number, C>('size', config, parseSizeValue);
  },
  /** A config-map TIME: whole seconds with a one-letter unit (s, m, h, d); the plan holds milliseconds. */
  time<const C extends BaseConfig>(config: C) {
    return build<number, C>('time', config, parseTimeValue);
  },
  /** Seconds as a decimal number without unit (Flush); the plan holds milliseconds. */
  seconds<const C extends BaseConfig>(config: C) {
    return build<number, C>('seconds', config, (t) => {
      const r = parseDoubleValue(t);
      if (!r.ok) return r;
      if (r.value <= 0) return fail(`'${t}' must be greater than 0`);
      return r.warning ? ok(r.value * 1000, r.warning) : ok(r.value * 1000);
    });
  },
  /** Integer milliseconds (multiline `flush_timeout`). */
  millis<const C extends BaseConfig>(config: C) {
    return build<number, C>('millis', config, parseIntValue);
  },
  /** tail `Refresh_Interval`: `seconds[.digits]` where the digits are nanoseconds as written; the plan holds milliseconds. */
  interval<const C extends BaseConfig>(config: C) {
    return build<number, C>('interval', config, (t) => {
      const split = splitSecondsNanos(t);
      if (!split) return fail(`'${t}' is not an interval`, 'write whole seconds, e.g. 10');
      const ms = split.sec * 1000 + split.nsec / 1e6;
      if (ms <= 0) return fail(`'${t}' must be greater than 0`);
      if (split.nsec !== 0 || /[^\d\s.+-]/.test(t)) {
        return ok(ms, `Fluent Bit reads '${t}' as ${split.sec} s + ${split.nsec} ns (digits after the dot are nanoseconds; unit letters are ignored)`);
      }
      return ok(ms);
    });
  },
  /** A comma-separated list (Fluent Bit CLIST); items are trimmed, empty items dropped. */
  list<const C extends BaseConfig>(config: C) {
    return build<readonly string[], C>('list', config, (t) => ok(splitList(t, /,/)));
  },
  /** A space-separated list (Fluent Bit SLIST). */
  slist<const C extends BaseConfig>(config: C) {
    return build<readonly string[], C>('slist', config, (t) => ok(splitSlistTokens(t)));
  },
  /** An Onigmo regular expression (`/pattern/flags` allowed), checked and translated at plan time. */
  regex<const C extends BaseConfig>(config: C) {
    return build<CompiledRegex, C>('regex', config, (t) => {
      const r = compileRegex(t);
      return r.ok ? ok(r.regex) : { ok: false, code: 'invalid-regex', message: `invalid regular expression '${t}': ${r.message}` };
    });
  },
  /** A Fluent Bit option logferry accepts but does not act on; setting it gives an `unsupported-key` warning. */
  unsupported<const C extends UnsupportedConfig>(config: C) {
    return build<string, C>('unsupported', config, (t) => ok(t), { unsupported: config.reason });
  },
  /**
   * Any option kind with a custom parser (rules with their own tokenisation, e.g. modify `Set`).
   * `values` lists the allowed words of an enum-like option with its own parsing (docs show them).
   */
  custom<T, const C extends CustomConfig>(kind: string, config: C, parse: (text: string) => ParseOutcome<T>) {
    return build<T, C>(kind, config, parse, config.values ? { values: config.values } : {});
  },
};

/** The parsed value type of one entry of a spec (an item of a repeatable key). */
type EntryValueOf<S> = S extends OptionSpec<infer T, Cardinality, Presence> ? T : never;

/**
 * Marks an option of any kind as accepted but not acted on: it keeps its type, default and value
 * checks (the plan and its snapshot are unchanged), and setting it gives an `unsupported-key`
 * warning with `reason`. For keys whose whole behaviour is missing; see `unsupportedWhen` for values.
 */
export function notActedOn<S extends AnySpec>(spec: S, reason: string): S {
  return { ...spec, unsupported: reason };
}

/**
 * Declares values of an option (or conditions on its parsed value) that logferry does not
 * implement. The plan reports a matching value at its key with the given severity ('error' when
 * `run` refuses it), so `validate` and `run` agree; the runtime does not check them again.
 */
export function unsupportedWhen<S extends AnySpec>(spec: S, ...uses: readonly UnsupportedValue<EntryValueOf<S>>[]): S {
  return { ...spec, unsupportedValues: [...(spec.unsupportedValues ?? []), ...uses] };
}
