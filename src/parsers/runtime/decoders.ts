/**
 * `Decode_Field` and `Decode_Field_As` (`flb_parser_decoder_do`, `src/flb_parser_decoder.c`, 4.2.8).
 *
 * Rules are grouped by field (fields in order of first mention, rules in order). For each string
 * field of the record that has rules:
 * - `Decode_Field_As` replaces the value (a string, or an object for `json`); once it produced an
 *   object, later rules of the field are skipped;
 * - `Decode_Field` keeps the value and adds the keys of the decoded object to the record (only
 *   `json` can produce an object; a string result is an error and is ignored);
 * - a failing rule (only `json` fails) stops the field unless its action is `try_next` or
 *   `do_next`; a successful rule stops it unless its action is `do_next`; a `Decode_Field` rule with
 *   `do_next` is skipped once a `Decode_Field` rule succeeded.
 * Fluent Bit keeps the added keys of the last field with `Decode_Field` rules only (its buffer is
 * reset per field), and appends them after the record's keys; here a key that already exists gets
 * the new value in its place (JavaScript objects cannot hold a key twice).
 *
 * The plan holds `Decode_Field` and `Decode_Field_As` in two lists, so the relative order of the
 * two kinds for one field is not known: `Decode_Field_As` rules are taken first.
 */
import type { DecoderBackend, DecoderRule } from '../../config/sections/parser.js';
import type { LogRecord } from '../../record/event.js';
import { parseJsonContainer } from './json-object.js';
import { setField } from './types.js';
import { unescapeEscaped, unescapeUtf8, unquoteMysql } from './unescape.js';

/** One decoder rule with its kind. */
export interface DecoderStep {
  /** `as`: Decode_Field_As (replace the value); `merge`: Decode_Field (add the decoded keys). */
  readonly kind: 'as' | 'merge';
  readonly decoder: DecoderBackend;
  readonly action: DecoderRule['action'];
}

const FAILED = Symbol('decode failed');

function runDecoder(decoder: DecoderBackend, text: string): unknown {
  switch (decoder) {
    case 'json': {
      const v = parseJsonContainer(text);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : FAILED;
    }
    case 'escaped':
      return unescapeEscaped(text);
    case 'escaped_utf8':
      return unescapeUtf8(text);
    case 'mysql_quoted':
      return unquoteMysql(text);
  }
}

/** The decoders of one parser. */
export class FieldDecoders {
  private readonly byField = new Map<string, DecoderStep[]>();
  private readonly merging = new Set<string>();

  constructor(steps: readonly (DecoderStep & { readonly field: string })[]) {
    for (const s of steps) {
      let list = this.byField.get(s.field);
      if (list === undefined) {
        list = [];
        this.byField.set(s.field, list);
      }
      list.push({ kind: s.kind, decoder: s.decoder, action: s.action });
      if (s.kind === 'merge') this.merging.add(s.field);
    }
  }

  /** Builds the decoders of a parser from its two option lists; undefined when there are none. */
  static fromOptions(decodeFieldAs: readonly DecoderRule[], decodeField: readonly DecoderRule[]): FieldDecoders | undefined {
    if (decodeFieldAs.length === 0 && decodeField.length === 0) return undefined;
    return new FieldDecoders([
      ...decodeFieldAs.map((r) => ({ kind: 'as' as const, field: r.field, decoder: r.decoder, action: r.action })),
      ...decodeField.map((r) => ({ kind: 'merge' as const, field: r.field, decoder: r.decoder, action: r.action })),
    ]);
  }

  /** Applies the rules to the record in place. */
  apply(record: LogRecord): void {
    let extra: LogRecord | undefined;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (typeof value !== 'string') continue;
      const steps = this.byField.get(key);
      if (steps === undefined) continue;
      if (this.merging.has(key)) extra = undefined;
      let data = value;
      let replaced: unknown = FAILED;
      let merged: unknown = FAILED;
      for (const step of steps) {
        if (step.kind === 'merge' && step.action === 'do_next' && merged !== FAILED) continue;
        if (replaced !== FAILED && typeof replaced !== 'string') continue;
        const out = runDecoder(step.decoder, data);
        if (out === FAILED) {
          if (step.action === 'try_next' || step.action === 'do_next') continue;
          break;
        }
        if (step.kind === 'as') {
          replaced = out;
          if (typeof out === 'string') data = out;
        } else {
          merged = out;
        }
        if (step.action !== 'do_next') break;
      }
      if (replaced !== FAILED) setField(record, key, replaced);
      if (merged !== FAILED && typeof merged === 'object') extra = merged as LogRecord;
    }
    if (extra !== undefined) for (const k of Object.keys(extra)) setField(record, k, extra[k]);
  }
}
