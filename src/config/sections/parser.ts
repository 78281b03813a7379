/**
 * The [PARSER] section, as read by `flb_parser_load_parser_definitions` and checked by
 * `flb_parser_create_with_time_zone` (`src/flb_parser.c`, 4.2.8), with the decoders of
 * `flb_parser_decoder_list_create` (`src/flb_parser_decoder.c`).
 *
 * Fluent Bit reads each key with "first match wins" (a repeated key keeps its first value), except
 * `Decode_Field`/`Decode_Field_As`, which are read by walking all entries. Empty values (after
 * `${VAR}` expansion) count as unset. Booleans go through `flb_utils_bool`: unknown text is -1,
 * which C treats as true, so it is a warning here, not an error.
 *
 * A parser whose definition Fluent Bit rejects makes the whole Parsers_File fail to load, which
 * stops Fluent Bit at startup.
 */
import { defineSection, type CheckContext } from '../../options/define.js';
import { opt } from '../../options/kinds.js';
import type { OptionsOf, ParseOutcome } from '../../options/spec.js';
import { parseBool } from '../../options/units.js';
import { checkTimeFormat } from '../../parsers/time-format.js';

/** Formats `flb_parser_create` accepts (case-insensitive). */
export const PARSER_FORMATS = ['regex', 'json', 'ltsv', 'logfmt'] as const;

export const PARSER_TYPES = ['integer', 'float', 'bool', 'hex', 'string'] as const;
export type ParserFieldType = (typeof PARSER_TYPES)[number];

/** One `Types` entry: the field and the type its string value is converted to. */
export interface ParserTypeRule {
  readonly field: string;
  readonly type: ParserFieldType;
}

export const DECODERS = ['json', 'escaped', 'escaped_utf8', 'mysql_quoted'] as const;
export type DecoderBackend = (typeof DECODERS)[number];

/** One `Decode_Field` / `Decode_Field_As` rule. */
export interface DecoderRule {
  readonly decoder: DecoderBackend;
  readonly field: string;
  /** `try_next`: on failure try the next rule of the field; `do_next`: on success run the next one too. */
  readonly action: 'try_next' | 'do_next' | undefined;
}

/** A boolean read with `flb_utils_bool`, where unknown text is -1 (true in C). */
export function parseLooseBool(text: string): ParseOutcome<boolean> {
  const v = parseBool(text.trim());
  if (v !== undefined) return { ok: true, value: v };
  return { ok: true, value: true, warning: `'${text}' is not a boolean; Fluent Bit does not reject it and treats it as On` };
}

function looseBool<const D extends string>(defaultText: D, doc: string) {
  return opt.custom('bool', { default: defaultText, doc }, parseLooseBool);
}

/**
 * `flb_parser_tzone_offset`, reproduced: `Z...` is 0; otherwise a sign, then two hour digits and
 * two minute digits, with a colon between them only when exactly 5 characters follow the sign.
 * Characters are not checked to be digits: only the resulting hours and minutes must be 0-59.
 * Returns the offset in seconds, or undefined where Fluent Bit fails (which aborts the parser).
 */
export function tzoneOffsetSeconds(text: string): number | undefined {
  if (text.startsWith('Z')) return 0;
  const sign = text[0];
  if (sign !== '+' && sign !== '-') return undefined;
  if (text.length < 4) return undefined;
  const digit = (i: number): number => (i < text.length ? text.charCodeAt(i) - 48 : -48);
  const hour = digit(1) * 10 + digit(2);
  const min = text.length - 1 === 5 && text[3] === ':' ? digit(4) * 10 + digit(5) : digit(3) * 10 + digit(4);
  if (hour < 0 || hour > 59 || min < 0 || min > 59) return undefined;
  const seconds = hour * 3600 + min * 60;
  return sign === '-' ? -seconds : seconds;
}

/** `Time_Offset`: `±HHMM` or `±HH:MM` (or `Z`) to a UTC offset in seconds. */
export function parseTimeOffset(text: string): ParseOutcome<number> {
  const t = text.trim();
  const seconds = tzoneOffsetSeconds(t);
  if (seconds === undefined) {
    return {
      ok: false,
      message: `'${text}' is not a UTC offset; Fluent Bit refuses to load the parser`,
      hint: 'write +HHMM or +HH:MM, e.g. +0900 or -03:30',
    };
  }
  if (t === 'Z' || /^[+-]\d{2}:?\d{2}$/.test(t)) {
    const hours = Math.abs(seconds) / 3600;
    if (hours > 14) return { ok: true, value: seconds, warning: `'${text}' is more than 14 hours from UTC` };
    return { ok: true, value: seconds };
  }
  return {
    ok: true,
    value: seconds,
    warning: `'${text}' is not written ±HHMM or ±HH:MM; Fluent Bit reads it as ${formatOffset(seconds)}`,
  };
}

function formatOffset(seconds: number): string {
  const abs = Math.abs(seconds);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  return `${seconds < 0 ? '-' : '+'}${hh}${mm}`;
}

/**
 * `Types`: space-separated `field:type` (`proc_types_str`). An entry without a colon is skipped
 * and an unknown type means string, both silently in Fluent Bit, so both are warnings here.
 */
export function parseTypes(text: string): ParseOutcome<readonly ParserTypeRule[]> {
  const rules: ParserTypeRule[] = [];
  const problems: string[] = [];
  for (const entry of text.split(' ').filter((s) => s.length > 0)) {
    const colon = entry.indexOf(':');
    if (colon < 0) {
      problems.push(`'${entry}' has no ':type' and is ignored`);
      continue;
    }
    const field = entry.slice(0, colon);
    const typeText = entry.slice(colon + 1);
    const type = PARSER_TYPES.find((t) => t === typeText.toLowerCase());
    if (!type) problems.push(`'${typeText}' is not integer, float, bool, hex or string; Fluent Bit keeps '${field}' a string`);
    rules.push({ field, type: type ?? 'string' });
  }
  if (rules.length === 0 && problems.length === 0) return { ok: false, message: 'Types is empty', hint: 'write field:type pairs, e.g. code:integer size:integer' };
  return problems.length > 0 ? { ok: true, value: rules, warning: problems.join('; ') } : { ok: true, value: rules };
}

/**
 * `Decode_Field[_As] <decoder> <field> [try_next|do_next]`, split on spaces (at most 3 parts).
 * Fewer than two parts or an unknown decoder make Fluent Bit log an error and drop every decoder
 * of this parser (the parser itself still loads): an error here. An unknown action means "none".
 */
export function parseDecoder(text: string): ParseOutcome<DecoderRule> {
  const parts = text.split(' ').filter((s) => s.length > 0);
  const [decoderText, field, actionText] = parts;
  if (decoderText === undefined || field === undefined) {
    return { ok: false, code: 'invalid-rule', message: `'${text}' needs a decoder and a field`, hint: 'write e.g. json log, or escaped_utf8 log do_next' };
  }
  const decoder = DECODERS.find((d) => d === decoderText.toLowerCase());
  if (!decoder) {
    return {
      ok: false,
      code: 'invalid-rule',
      message: `'${decoderText}' is not a decoder; Fluent Bit logs an error and ignores every decoder of this parser`,
      hint: `decoders: ${DECODERS.join(', ')}`,
    };
  }
  const warnings: string[] = [];
  let action: DecoderRule['action'];
  if (actionText !== undefined) {
    const a = actionText.toLowerCase();
    if (a === 'try_next' || a === 'do_next') action = a;
    else warnings.push(`'${actionText}' is not try_next or do_next; Fluent Bit ignores it`);
  }
  if (parts.length > 3) warnings.push(`'${parts.slice(3).join(' ')}' after the action is ignored`);
  const value: DecoderRule = { decoder, field, action };
  return warnings.length > 0 ? { ok: true, value, warning: warnings.join('; ') } : { ok: true, value };
}

/** Whether an IANA zone name is known (Fluent Bit also needs the zoneinfo file on the host). */
function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const options = {
  name: opt.string({ required: true, doc: 'Parser name, referenced by Parser keys and multiline parsers (case-sensitive)' }),
  format: opt.enum({ values: PARSER_FORMATS, required: true, doc: 'How to read the text: regex, json, ltsv or logfmt' }),
  regex: opt.regex({ doc: 'Onigmo regular expression with named groups (Format regex); each group becomes a field' }),
  time_key: opt.string({ default: 'time', doc: 'Field holding the timestamp (used when Time_Format is set)' }),
  time_format: opt.string({ doc: 'strptime format of the timestamp, plus %L for fractional seconds' }),
  time_offset: opt.custom('offset', { doc: 'UTC offset of timestamps without a zone, ±HHMM or ±HH:MM (needs Time_Format)' }, parseTimeOffset),
  time_keep: looseBool('off', 'Keep the time field in the record after parsing it'),
  time_strict: looseBool('on', 'Fail when the time field does not match Time_Format completely'),
  time_system_timezone: looseBool('off', 'Read timestamps without a zone in the system time zone (needs Time_Format)'),
  time_zone: opt.string({ doc: 'IANA time zone of timestamps without a zone, e.g. Europe/Berlin (needs Time_Format)' }),
  types: opt.custom('types', { doc: 'Space-separated field:type conversions (integer, float, bool, hex, string); regex, ltsv and logfmt only' }, parseTypes),
  decode_field: opt.custom('decoder', { multiple: true, doc: 'Decode a field and merge the result into the record: <decoder> <field> [try_next|do_next]' }, parseDecoder),
  decode_field_as: opt.custom('decoder', { multiple: true, doc: 'Decode a field in place: <decoder> <field> [try_next|do_next]' }, parseDecoder),
  skip_empty_values: looseBool('on', 'Drop empty regex captures'),
  logfmt_no_bare_keys: looseBool('off', 'logfmt: reject keys without a value'),
} as const;

export type ParserOptions = OptionsOf<typeof options>;

/** Cross-key rules of `flb_parser_create_with_time_zone` and the regex parser. */
export function checkParser(o: ParserOptions, ctx: CheckContext): void {
  if (o.format === 'regex') {
    if (o.regex === undefined) {
      if (!ctx.isSet('regex')) ctx.report('missing-required', `parser '${o.name}' has Format regex but no Regex; Fluent Bit refuses to load it`, { key: 'format' });
    } else if (o.regex.groupNames.length === 0) {
      ctx.report(
        'invalid-regex',
        `the regex of parser '${o.name}' has no named group: Fluent Bit's regex parser fails when there is no capture group, and unnamed groups produce no fields`,
        { key: 'regex', hint: 'name the parts to keep, e.g. ^(?<time>[^ ]+) (?<message>.*)$' },
      );
    }
  } else {
    if (ctx.isSet('regex')) {
      ctx.report('conflicting-keys', `Regex is only used with Format regex; parser '${o.name}' is ${o.format}`, { key: 'regex', severity: 'warning' });
    }
    if (o.format === 'json' && ctx.isSet('types')) {
      ctx.report('conflicting-keys', 'Types is not applied by json parsers', { key: 'types', severity: 'warning' });
    }
  }

  if (o.time_format !== undefined) {
    const problem = checkTimeFormat(o.time_format);
    if (problem) ctx.report('invalid-value', `Time_Format '${o.time_format}': ${problem}`, { key: 'time_format' });
  }

  if (o.time_zone !== undefined) {
    if (o.time_format === undefined) {
      ctx.report('missing-required', 'Time_Zone requires Time_Format; Fluent Bit refuses to load the parser', { key: 'time_zone' });
    } else {
      if (o.time_system_timezone) {
        ctx.report('conflicting-keys', 'Time_Zone cannot be combined with Time_System_Timezone', { key: 'time_zone' });
      }
      if (ctx.isSet('time_offset')) {
        ctx.report('conflicting-keys', 'Time_Zone cannot be combined with Time_Offset', { key: 'time_zone' });
      }
    }
    if (!isKnownTimeZone(o.time_zone)) {
      ctx.report('invalid-value', `'${o.time_zone}' is not an IANA time zone; Fluent Bit refuses to load the parser`, {
        key: 'time_zone',
        hint: 'write a zone name such as UTC, Europe/Berlin or America/New_York',
      });
    }
  }
}

export default defineSection({
  name: 'parser',
  description: 'A named parser (regex, json, ltsv or logfmt) used by Parser keys, filters and multiline parsers',
  options,
  check: checkParser,
});
