/**
 * `Types field:type` conversions (`flb_parser_typecast`, `src/flb_parser.c`), applied by the regex,
 * logfmt and ltsv parsers to their string values.
 *
 * Values are JavaScript numbers: `integer` (C `atoll`, saturating at ±2^63) and `hex` (`strtoull`
 * base 16) lose precision above 2^53, where Fluent Bit keeps exact 64-bit integers.
 */
import type { ParserFieldType, ParserTypeRule } from '../../config/sections/parser.js';
import { atof } from '../../options/units.js';

const INT64_MAX = 9223372036854775807;
const UINT64_MAX = 18446744073709551615;

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** C `atoll`: optional white space and sign, then decimal digits; 0 when there are none. */
export function atoll(text: string): number {
  let i = 0;
  while (i < text.length && isSpaceCode(text.charCodeAt(i))) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') negative = text[i++] === '-';
  let value = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  if (value > INT64_MAX) value = INT64_MAX;
  return negative ? -value : value;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** C `strtoull(text, NULL, 16)`: optional white space, sign and `0x`; a minus sign wraps around. */
export function strtoull16(text: string): number {
  let i = 0;
  while (i < text.length && isSpaceCode(text.charCodeAt(i))) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') negative = text[i++] === '-';
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && hexDigit(text.charCodeAt(i + 2)) >= 0) i += 2;
  let value = 0;
  for (; i < text.length; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) break;
    value = value * 16 + d;
  }
  if (value > UINT64_MAX) return UINT64_MAX;
  return negative && value !== 0 ? UINT64_MAX + 1 - value : value;
}

/** Converts one value; `bool` keeps the string when it does not start with true/false. */
export function castValue(type: ParserFieldType, value: string): unknown {
  switch (type) {
    case 'integer':
      return atoll(value);
    case 'hex':
      return strtoull16(value);
    case 'float':
      return atof(value);
    case 'bool': {
      const head = value.slice(0, 5).toLowerCase();
      if (head.startsWith('true')) return true;
      if (head === 'false') return false;
      return value;
    }
    case 'string':
      return value;
  }
}

/** The `Types` of a parser by field name (the first rule for a field wins, as in Fluent Bit). */
export class FieldTypes {
  private readonly byField = new Map<string, ParserFieldType>();

  constructor(rules: readonly ParserTypeRule[]) {
    for (const r of rules) if (!this.byField.has(r.field)) this.byField.set(r.field, r.type);
  }

  cast(field: string, value: string): unknown {
    const type = this.byField.get(field);
    return type === undefined ? value : castValue(type, value);
  }
}
