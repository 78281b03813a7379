/**
 * The `content_modifier` processor for logs (plugins/processor_content_modifier/cm_logs.c): one
 * action on one top-level key of each record, compared exactly. Key order follows Fluent Bit's
 * kvlist: insert appends; upsert, extract and convert remove the key and append it again; rename
 * keeps the position. Actions on the metadata or OpenTelemetry contexts change nothing here
 * (logferry records carry neither).
 */
import { createHash } from 'node:crypto';
import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterRuntime } from '../../../engine/plugin.js';
import type { ContentModifierAction, ContentModifierOptions } from './options.js';

type Converted = { ok: true; value: unknown } | { ok: false };

export class ContentModifier implements FilterRuntime {
  private readonly action: ContentModifierAction;
  private readonly appliesToBody: boolean;

  constructor(private readonly o: ContentModifierOptions) {
    this.action = o.action as ContentModifierAction;
    this.appliesToBody = o.context === undefined || o.context === 'body' || o.context === 'message' || o.context === 'record';
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    if (!this.appliesToBody) return events;
    for (const e of events) e.record = this.apply(e.record);
    return events;
  }

  /**
   * The record after the action. Where Fluent Bit 4.2.8 stops the whole chunk at a record the action
   * fails on (extract or convert of a missing key), the record is left as it is and the others go on.
   */
  private apply(record: LogRecord): LogRecord {
    const key = this.o.key!;
    const has = Object.hasOwn(record, key);
    switch (this.action) {
      case 'insert':
        if (!has) record[key] = this.o.value!;
        return record;
      case 'upsert':
        delete record[key];
        record[key] = this.o.value!;
        return record;
      case 'delete':
        delete record[key];
        return record;
      case 'rename':
        return has ? renameKey(record, key, this.o.value!) : record;
      case 'hash':
        if (has) {
          const text = convert(record[key], 'string');
          if (text.ok && text.value !== '') record[key] = createHash('sha256').update(text.value as string, 'utf8').digest('hex');
        }
        return record;
      case 'extract':
        return has ? extract(record, record[key], this.o.pattern!.regexp) : record;
      case 'convert': {
        if (!has) return record;
        const converted = convert(record[key], this.o.converted_type!);
        if (converted.ok) {
          delete record[key];
          record[key] = converted.value;
        }
        return record;
      }
    }
  }
}

/** The key renamed where it stands (a key already named `to` elsewhere gives way). */
function renameKey(record: LogRecord, from: string, to: string): LogRecord {
  const out: LogRecord = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === from) out[to] = v;
    else if (k !== to) out[k] = v;
  }
  return out;
}

/** The named groups of a match of a string value become keys (each removed, then appended). */
function extract(record: LogRecord, value: unknown, regexp: RegExp): LogRecord {
  if (typeof value !== 'string') return record;
  regexp.lastIndex = 0;
  const m = regexp.exec(value);
  if (!m?.groups) return record;
  for (const [name, text] of Object.entries(m.groups)) {
    if (text === undefined) continue;
    delete record[name];
    record[name] = text;
  }
  return record;
}

/** cm_utils_variant_convert: what each type becomes; maps and lists do not convert. */
export function convert(value: unknown, to: 'string' | 'boolean' | 'int' | 'double'): Converted {
  if (typeof value === 'string') return fromString(value, to);
  if (typeof value === 'number') {
    const integer = Number.isInteger(value);
    if (to === 'string') return { ok: true, value: integer ? String(value) : formatG17(value) };
    if (to === 'boolean') return { ok: true, value: value !== 0 };
    if (to === 'int') return { ok: true, value: Math.round(value) };
    return { ok: true, value };
  }
  if (typeof value === 'boolean') {
    if (to === 'string') return { ok: true, value: value ? 'true' : 'false' };
    if (to === 'boolean') return { ok: true, value };
    return { ok: true, value: value ? 1 : 0 };
  }
  if (value === null) {
    if (to === 'string') return { ok: true, value: 'null' };
    return { ok: true, value: to === 'boolean' ? false : 0 };
  }
  return { ok: false };
}

function fromString(text: string, to: 'string' | 'boolean' | 'int' | 'double'): Converted {
  if (to === 'string') return { ok: true, value: text };
  if (to === 'boolean') return { ok: true, value: text.toLowerCase() === 'true' };
  if (to === 'int') {
    // strtoimax / strtoumax in base 10, the whole text consumed; int or unsigned int range.
    if (text.startsWith('-')) {
      if (!/^-\s*\d+$/.test(text)) return { ok: false };
      const n = Number(text.replace(/\s/g, ''));
      return n >= -2147483648 ? { ok: true, value: n } : { ok: false };
    }
    if (!/^\s*\+?\d*$/.test(text) || /^\s*\+$/.test(text)) return { ok: false };
    const digits = text.trim().replace('+', '');
    const n = digits === '' ? 0 : Number(digits);
    return n <= 4294967295 ? { ok: true, value: n } : { ok: false };
  }
  // strtod: the longest numeric prefix; no number at all fails.
  const n = Number.parseFloat(text);
  if (Number.isNaN(n) || !Number.isFinite(n)) return { ok: false };
  return { ok: true, value: n };
}

/** C's `%.17g`. */
export function formatG17(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 17) {
    const [mantissa, exp] = value.toExponential(16).split('e') as [string, string];
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const e = Number(exp);
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const fixed = value.toPrecision(17);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
