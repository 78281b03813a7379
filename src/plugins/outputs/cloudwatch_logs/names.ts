/**
 * Log group and stream names from record-accessor templates (log_group_template,
 * log_stream_template), as Fluent Bit's `flb_ra_translate_check`: every `$key['sub']` must resolve
 * to a scalar, else the template fails and the fixed name (log_group_name, log_stream_name or
 * log_stream_prefix + tag) is used.
 */
import type { LogRecord } from '../../../record/event.js';
import { readAccessor } from '../../../record/accessor.js';
import { parseAccessorTemplate, type TemplatePart } from '../../../record/template.js';

export type NameTemplate = readonly TemplatePart[];

/** Parses a template; returns the error message when Fluent Bit would refuse it. */
export function parseNameTemplate(text: string): { ok: true; template: NameTemplate } | { ok: false; message: string } {
  const r = parseAccessorTemplate(text);
  if (!r.ok) return { ok: false, message: r.message };
  if (r.parts.some((p) => p.type === 'group')) return { ok: false, message: `'${text}': $0..$9 refer to regex capture groups, which a log group or stream template does not have` };
  return { ok: true, template: r.parts };
}

function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
}

/** The template filled from the record and tag, or undefined when a key is missing or not a scalar. */
export function renderName(template: NameTemplate, tag: string, record: LogRecord): string | undefined {
  let out = '';
  for (const p of template) {
    switch (p.type) {
      case 'text':
        out += p.value;
        break;
      case 'tag':
        out += tag;
        break;
      case 'tag-part': {
        const part = tag.split('.')[p.index];
        if (part === undefined) return undefined;
        out += part;
        break;
      }
      case 'key': {
        const text = scalarText(readAccessor(record, p.accessor));
        if (text === undefined) return undefined;
        out += text;
        break;
      }
      default:
        return undefined;
    }
  }
  return out === '' ? undefined : out;
}
