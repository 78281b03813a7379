/**
 * Bulk API request bodies as Fluent Bit's es and opensearch outputs write them
 * (`elasticsearch_format` in es.c, `opensearch_format` in opensearch.c): for each record an action
 * line `{"<op>":{"_index":"…"[,"_type":"…"][,"_id":"…"]}}` and a source line holding the time key
 * first, then the tag key, then the record (dots in keys replaced with Replace_Dots), wrapped in
 * `{"doc":…}` for update and `{"doc_as_upsert":true,"doc":…}` for upsert.
 */
import { splitNanos, type LogEvent } from '../../../record/event.js';
import { MAX_RECORD_DEPTH, TOO_DEEP } from '../../../engine/record-depth.js';
import { parseKeyOrAccessor, readAccessor, type RecordAccessor } from '../../../record/accessor.js';
import { parseAccessorTemplate, renderAccessorTemplate, type TemplatePart } from '../../../record/template.js';
import { formatTimeKey } from '../shared/time-key.js';
import { recordJson } from '../shared/record-json.js';
import { esDocumentId, opensearchDocumentId, packDocument } from './document-id.js';
import type { BulkFlavour, BulkOptions } from './options.js';

/** One record's two lines (each ending in a newline). */
export interface BulkItem {
  readonly action: string;
  readonly source: string;
}

/** A record left out of the request, and why (counted as dropped by the caller). */
export interface SkippedRecord {
  readonly reason: string;
}

/** Characters Fluent Bit refuses in an index or _id taken from a record (they would break the action line). */
const UNSAFE = /["\\\u0000-\u001f]/;

/**
 * A record (or nested value) as JSON with dots in keys replaced (keys in order, duplicates kept);
 * levels below MAX_RECORD_DEPTH are written as TOO_DEEP.
 */
function dottedJson(value: unknown, room = MAX_RECORD_DEPTH): string {
  if (value !== null && typeof value === 'object' && room <= 0) return JSON.stringify(TOO_DEEP);
  if (Array.isArray(value)) return `[${value.map((v) => dottedJson(v, room - 1)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) parts.push(`${JSON.stringify(k.replaceAll('.', '_'))}:${dottedJson(v, room - 1)}`);
    return `{${parts.join(',')}}`;
  }
  return recordJson(value);
}

/** Builds the action and source lines of records, one plugin instance's options compiled once. */
export class BulkFormatter {
  private readonly prefixKey: readonly TemplatePart[] | undefined;
  private readonly indexTemplate: readonly TemplatePart[] | undefined;
  private readonly idKey: RecordAccessor | undefined;
  private readonly action: string;
  private readonly generateId: boolean;
  private readonly idRequired: boolean;
  private readonly timeKeyJson: string;
  private readonly tagKeyJson: string;

  constructor(
    private readonly o: BulkOptions,
    private readonly flavour: BulkFlavour,
  ) {
    if (o.logstash_prefix_key !== undefined) {
      const t = parseAccessorTemplate(o.logstash_prefix_key.startsWith('$') ? o.logstash_prefix_key : `$${o.logstash_prefix_key}`);
      this.prefixKey = t.ok ? t.parts : undefined;
    }
    // opensearch reads an Index containing `$` as a record accessor template, per record.
    if (flavour === 'opensearch' && o.index.includes('$')) {
      const t = parseAccessorTemplate(o.index);
      this.indexTemplate = t.ok ? t.parts : undefined;
    }
    if (o.id_key !== undefined) {
      const a = parseKeyOrAccessor(o.id_key);
      this.idKey = a.ok ? a.accessor : undefined;
    }
    this.generateId = o.generate_id && o.id_key === undefined;
    this.action = o.write_operation === 'upsert' ? 'update' : o.write_operation;
    this.idRequired = this.idKey !== undefined && !this.generateId && (o.write_operation === 'update' || o.write_operation === 'upsert');
    this.timeKeyJson = JSON.stringify(o.time_key);
    this.tagKeyJson = JSON.stringify(o.tag_key);
  }

  /** The time key's value: Time_Key_Format (UTC), then `.` + milliseconds (or nanoseconds) + `Z`. */
  timeText(time: bigint): string {
    const { nsec } = splitNanos(time);
    const frac = this.o.time_key_nanos ? String(nsec).padStart(9, '0') : String(Math.floor(nsec / 1e6)).padStart(3, '0');
    return `${formatTimeKey(this.o.time_key_format, time)}.${frac}Z`;
  }

  /**
   * The lines of a chunk's records. `now` is the flush time (nanoseconds): Fluent Bit expands
   * strftime in Index with it, and uses it for every record with Current_Time_Index.
   */
  format(tag: string, events: readonly LogEvent[], now: bigint): { items: BulkItem[]; records: number[]; skipped: SkippedRecord[] } {
    const o = this.o;
    const items: BulkItem[] = [];
    const records: number[] = [];
    const skipped: SkippedRecord[] = [];
    const staticIndex = formatTimeKey(o.index, now);
    const tagJson = o.include_tag_key ? `${this.tagKeyJson}:${JSON.stringify(tag)}` : undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const time = o.current_time_index ? now : e.time;
      let id: string | undefined;
      if (this.idKey !== undefined) {
        const v = readAccessor(e.record, this.idKey);
        if (typeof v === 'string' && !UNSAFE.test(v)) {
          id = v;
        } else if (this.idRequired) {
          skipped.push({ reason: `Id_Key ${o.id_key} ${v === undefined ? 'missing' : typeof v !== 'string' ? 'not a string' : 'has characters not allowed in an _id'} (Write_Operation ${o.write_operation})` });
          continue;
        }
      }
      const timeText = this.timeText(e.time);
      let body = o.replace_dots ? dottedJson(e.record) : recordJson(e.record);
      if (body === '{}') body = '';
      else body = body.slice(1, -1);
      const source = `{${this.timeKeyJson}:${JSON.stringify(timeText)}${tagJson !== undefined ? `,${tagJson}` : ''}${body ? `,${body}` : ''}}`;
      if (this.generateId) {
        const packed = packDocument(e.record, o.time_key, timeText, o.include_tag_key ? { key: o.tag_key, value: tag } : undefined, o.replace_dots);
        id = this.flavour === 'es' ? esDocumentId(packed) : opensearchDocumentId(packed);
      }
      const index = this.indexFor(tag, e.record, time, staticIndex, id !== undefined);
      items.push({ action: this.actionLine(index, id), source: this.wrap(source) });
      records.push(i);
    }
    return { items, records, skipped };
  }

  private indexFor(tag: string, record: Record<string, unknown>, time: bigint, staticIndex: string, hasId: boolean): string {
    const o = this.o;
    if (o.logstash_format) {
      let prefix = o.logstash_prefix;
      if (this.prefixKey !== undefined) {
        const v = renderAccessorTemplate(this.prefixKey, tag, record);
        if (v.length > 0 && !UNSAFE.test(v)) prefix = v.slice(0, 128);
      }
      return `${prefix}${o.logstash_prefix_separator}${formatTimeKey(o.logstash_dateformat, time)}`;
    }
    if (o.current_time_index) return formatTimeKey(o.index, time);
    if (this.indexTemplate !== undefined) {
      const v = renderAccessorTemplate(this.indexTemplate, tag, record);
      return v.length > 0 && !UNSAFE.test(v) ? v : staticIndex;
    }
    // es writes Index as it is (no strftime) in the action lines that carry an _id.
    return hasId && this.flavour === 'es' ? o.index : staticIndex;
  }

  private actionLine(index: string, id: string | undefined): string {
    const type = this.o.suppress_type_name ? '' : `,"_type":"${this.o.type}"`;
    const idPart = id !== undefined ? `,"_id":"${id}"` : '';
    return `{"${this.action}":{"_index":"${index}"${type}${idPart}}}\n`;
  }

  private wrap(source: string): string {
    if (this.o.write_operation === 'update') return `{"doc":${source}}\n`;
    if (this.o.write_operation === 'upsert') return `{"doc_as_upsert":true,"doc":${source}}\n`;
    return `${source}\n`;
  }
}
