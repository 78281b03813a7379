/**
 * Format `ltsv` (`src/flb_parser_ltsv.c`, 4.2.8): `label:value` fields separated by tabs. Labels
 * are `[0-9A-Za-z_.-]+`; values run to a tab, CR, LF or NUL; a field with an empty label is
 * skipped; reading stops at a label not followed by `:` or at the end of the first line.
 * A time value that does not parse fails the whole text; a record with no field fails.
 */
import type { LogRecord } from '../../record/event.js';
import { ParserBase } from './parser-base.js';
import { setField } from './types.js';

function isLabel(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
}

function isValue(c: number): boolean {
  return c !== 0 && c !== 9 && c !== 10 && c !== 13;
}

export class LtsvParser extends ParserBase {
  readonly format = 'ltsv' as const;

  parseRecord(text: string, now: bigint): LogRecord | undefined {
    const record: LogRecord = {};
    let fieldCount = 0;
    this.time = now;
    const end = text.length;
    let i = 0;
    while (i < end) {
      const labelStart = i;
      while (i < end && isLabel(text.charCodeAt(i))) i++;
      const labelEnd = i;
      if (i === end || text.charCodeAt(i) !== 58 /* : */) break;
      i++;
      const valueStart = i;
      while (i < end && isValue(text.charCodeAt(i))) i++;
      if (labelEnd > labelStart) {
        const label = text.slice(labelStart, labelEnd);
        const value = text.slice(valueStart, i);
        const use = this.keyValueTime(label, value, now);
        if (use < 0) return undefined;
        if (use > 0) {
          fieldCount++;
          setField(record, label, this.types === undefined ? value : this.types.cast(label, value));
        }
      }
      if (i === end) break;
      if (text.charCodeAt(i) === 9) i++;
      if (i === end) break;
      const c = text.charCodeAt(i);
      if (c === 13 || c === 10) break;
    }
    return this.finishRecord(record, fieldCount);
  }
}
