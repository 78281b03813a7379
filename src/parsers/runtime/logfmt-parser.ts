/**
 * Format `logfmt` (`src/flb_parser_logfmt.c`, 4.2.8). Keys are runs of bytes above space other
 * than `=` and `"`; anything else between pairs is skipped; the text ends at a newline that follows
 * a pair.
 * - `key=value`, `key="quoted value"` (backslash escapes decoded as `escaped_utf8`), `key=` and a
 *   bare `key` (both `true`); `logfmt_no_bare_keys` makes a bare key fail the whole text.
 * - With `Types`, values are taken as written (no unescaping) and bare keys are empty strings.
 * - A time value that does not parse fails the whole text; a record with no field fails.
 */
import type { ParserOptions } from '../../config/plan/types.js';
import type { LogRecord } from '../../record/event.js';
import { ParserBase } from './parser-base.js';
import { setField } from './types.js';
import { unescapeUtf8 } from './unescape.js';

function isIdent(c: number): boolean {
  return c > 32 && c !== 61 /* = */ && c !== 34 /* " */;
}

export class LogfmtParser extends ParserBase {
  readonly format = 'logfmt' as const;
  private readonly noBareKeys: boolean;

  constructor(name: string, options: ParserOptions) {
    super(name, options);
    this.noBareKeys = options.logfmt_no_bare_keys;
  }

  parseRecord(text: string, now: bigint): LogRecord | undefined {
    const record: LogRecord = {};
    let fieldCount = 0;
    this.time = now;
    const end = text.length;
    let i = 0;
    while (i < end) {
      while (i < end && !isIdent(text.charCodeAt(i))) i++;
      if (i === end) break;
      const keyStart = i;
      while (i < end && isIdent(text.charCodeAt(i))) i++;
      const key = text.slice(keyStart, i);
      let valueStart = i;
      let valueEnd = i;
      let hasValue = false;
      let quoted = false;
      let escaped = false;
      if (i < end && text.charCodeAt(i) === 61) {
        hasValue = true;
        i++;
        if (i < end) {
          if (text.charCodeAt(i) === 34) {
            i++;
            valueStart = i;
            quoted = true;
            while (i < end) {
              const c = text.charCodeAt(i);
              if (c === 92) {
                escaped = true;
                i++;
                if (i === end) break;
                i++;
              } else if (c === 34) {
                break;
              } else {
                i++;
              }
            }
            valueEnd = i;
            if (i < end) i++;
          } else {
            valueStart = i;
            while (i < end && isIdent(text.charCodeAt(i))) i++;
            valueEnd = i;
          }
        }
      }
      const raw = text.slice(valueStart, valueEnd);
      if (this.noBareKeys && raw.length === 0 && !hasValue) return undefined;
      const use = this.keyValueTime(key, raw, now);
      if (use < 0) return undefined;
      if (use > 0) {
        fieldCount++;
        let value: unknown;
        if (this.types !== undefined) value = this.types.cast(key, raw);
        else if (raw.length === 0) value = quoted ? '' : true;
        else if (escaped) value = cutAtNul(unescapeUtf8(raw));
        else value = raw;
        setField(record, key, value);
      }
      if (i === end) break;
      const c = text.charCodeAt(i);
      if (c === 13 || c === 10) break;
    }
    return this.finishRecord(record, fieldCount);
  }
}

function cutAtNul(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}
