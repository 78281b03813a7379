/**
 * Bulk API request bodies as Fluent Bit's es and opensearch outputs write them
 * (`elasticsearch_format` in es.c, `opensearch_format` in opensearch.c): for each record an action
 * line `{"<op>":{"_index":"…"[,"_type":"…"][,"_id":"…"]}}` and a source line holding the time key
 * first, then the tag key, then the record (dots in keys replaced with Replace_Dots), wrapped in
 * `{"doc":…}` for update and `{"doc_as_upsert":true,"doc":…}` for upsert.
 */
import { splitNanos, type LogRecord } from '../../../record/event.js';
import type { EncodedRecords } from '../../../record/encoded.js';
import { parseKeyOrAccessor, readAccessor, type RecordAccessor } from '../../../record/accessor.js';
import { parseAccessorTemplate, renderAccessorTemplate, type TemplatePart } from '../../../record/template.js';
import { formatTimeKey } from '../shared/time-key.js';
import { esDocumentId, opensearchDocumentIds, packDocument, type DocumentIdOf } from './document-id.js';
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
 * A record's JSON text (as JSON.stringify wrote it) with dots in its keys replaced by underscores,
 * at every depth, keys in order: a string is a key exactly when a colon follows its closing quote
 * (JSON.stringify writes no spaces), and JSON.stringify never escapes a dot.
 */
export function dotsReplacedInKeys(json: string): string {
  if (!json.includes('.')) return json;
  let out = '';
  let copied = 0;
  let open = json.indexOf('"');
  while (open >= 0) {
    let close = json.indexOf('"', open + 1);
    // A quote preceded by an odd number of backslashes is inside the string.
    for (;;) {
      let slashes = 0;
      while (json.charCodeAt(close - 1 - slashes) === 92 /* \\ */) slashes++;
      if (slashes % 2 === 0) break;
      close = json.indexOf('"', close + 1);
    }
    if (close < 0) break; // not JSON.stringify's text: left as it is rather than looping
    if (json.charCodeAt(close + 1) === 58 /* : */) {
      const key = json.slice(open, close);
      if (key.includes('.')) {
        out += json.slice(copied, open) + key.replaceAll('.', '_');
        copied = close;
      }
    }
    open = json.indexOf('"', close + 1);
  }
  return out + json.slice(copied);
}

/**
 * strftime of a format with whole seconds only, remembered for the last second asked (a chunk's
 * records come mostly in time order, so most records reuse the text). Formats with Fluent Bit's
 * sub-second conversions (%3N, %9N, %L) are formatted every time.
 */
class SecondsFormat {
  private sec: bigint | undefined;
  private text = '';
  private readonly perSecond: boolean;

  constructor(private readonly format: string) {
    this.perSecond = !/%(3N|9N|L)/.test(format);
  }

  of(time: bigint): string {
    if (!this.perSecond) return formatTimeKey(this.format, time);
    const sec = time >= 0n ? time / NS_PER_S : (time - NS_PER_S + 1n) / NS_PER_S;
    if (sec !== this.sec) {
      this.sec = sec;
      this.text = formatTimeKey(this.format, time);
    }
    return this.text;
  }
}

const NS_PER_S = 1_000_000_000n;

/** Builds the action and source lines of records, one plugin instance's options compiled once. */
export class BulkFormatter {
  private readonly prefixKey: readonly TemplatePart[] | undefined;
  private readonly indexTemplate: readonly TemplatePart[] | undefined;
  private readonly idKey: RecordAccessor | undefined;
  private readonly action: string;
  private readonly generateId: boolean;
  private readonly idRequired: boolean;
  /** Some option reads the record's fields (the others work on its JSON text). */
  private readonly readsFields: boolean;
  private readonly timeKeyJson: string;
  private readonly tagKeyJson: string;
  private readonly timeKeyFormat: SecondsFormat;
  private readonly dateFormat: SecondsFormat;
  private readonly documentId: DocumentIdOf | undefined;

  /**
   * @param documentId the Generate_ID hash: es's by default; opensearch's is loaded asynchronously
   *   (BulkFormatter.open), so an opensearch formatter with Generate_ID needs it given.
   */
  constructor(
    private readonly o: BulkOptions,
    private readonly flavour: BulkFlavour,
    documentId?: DocumentIdOf,
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
    this.readsFields = this.generateId || this.idKey !== undefined || (o.logstash_format && this.prefixKey !== undefined) || this.indexTemplate !== undefined;
    this.timeKeyJson = JSON.stringify(o.time_key);
    this.tagKeyJson = JSON.stringify(o.tag_key);
    this.timeKeyFormat = new SecondsFormat(o.time_key_format);
    this.dateFormat = new SecondsFormat(o.logstash_dateformat);
    this.documentId = documentId ?? (flavour === 'es' ? esDocumentId : undefined);
    if (this.generateId && this.documentId === undefined) throw new Error('opensearch Generate_ID needs its XXH3 hash: make the formatter with BulkFormatter.open');
  }

  /** A formatter with the Generate_ID hash its flavour uses loaded. */
  static async open(o: BulkOptions, flavour: BulkFlavour): Promise<BulkFormatter> {
    const generates = o.generate_id && o.id_key === undefined;
    return new BulkFormatter(o, flavour, generates && flavour === 'opensearch' ? await opensearchDocumentIds() : undefined);
  }

  /** The time key's value: Time_Key_Format (UTC), then `.` + milliseconds (or nanoseconds) + `Z`. */
  timeText(time: bigint): string {
    const { nsec } = splitNanos(time);
    const frac = this.o.time_key_nanos ? String(nsec).padStart(9, '0') : String(Math.floor(nsec / 1e6)).padStart(3, '0');
    return `${this.timeKeyFormat.of(time)}.${frac}Z`;
  }

  /**
   * The lines of a chunk's records, built from their JSON text; a record is decoded only when an
   * option reads its fields (Id_Key, Logstash_Prefix_Key, an opensearch Index template,
   * Generate_ID). `now` is the flush time (nanoseconds): Fluent Bit expands strftime in Index with
   * it, and uses it for every record with Current_Time_Index.
   */
  format(tag: string, records: EncodedRecords, now: bigint): { items: BulkItem[]; records: number[]; skipped: SkippedRecord[] } {
    const o = this.o;
    const items: BulkItem[] = [];
    const kept: number[] = [];
    const skipped: SkippedRecord[] = [];
    const staticIndex = formatTimeKey(o.index, now);
    const tagJson = o.include_tag_key ? `,${this.tagKeyJson}:${JSON.stringify(tag)}` : '';
    for (let i = 0; i < records.count; i++) {
      const json = records.json(i);
      const recordTime = records.time(i);
      const record: LogRecord | undefined = this.readsFields ? (JSON.parse(json) as LogRecord) : undefined;
      let id: string | undefined;
      if (this.idKey !== undefined) {
        const v = readAccessor(record!, this.idKey);
        if (typeof v === 'string' && !UNSAFE.test(v)) {
          id = v;
        } else if (this.idRequired) {
          skipped.push({ reason: `Id_Key ${o.id_key} ${v === undefined ? 'missing' : typeof v !== 'string' ? 'not a string' : 'has characters not allowed in an _id'} (Write_Operation ${o.write_operation})` });
          continue;
        }
      }
      const timeText = this.timeText(recordTime);
      const body = o.replace_dots ? dotsReplacedInKeys(json) : json;
      const fields = body.length <= 2 ? '' : `,${body.slice(1, -1)}`;
      const source = `{${this.timeKeyJson}:${JSON.stringify(timeText)}${tagJson}${fields}}`;
      if (this.generateId) {
        const packed = packDocument(record!, o.time_key, timeText, o.include_tag_key ? { key: o.tag_key, value: tag } : undefined, o.replace_dots);
        id = this.documentId!(packed);
      }
      const index = this.indexFor(tag, record, o.current_time_index ? now : recordTime, staticIndex, id !== undefined);
      items.push({ action: this.actionLine(index, id), source: this.wrap(source) });
      kept.push(i);
    }
    return { items, records: kept, skipped };
  }

  private indexFor(tag: string, record: LogRecord | undefined, time: bigint, staticIndex: string, hasId: boolean): string {
    const o = this.o;
    if (o.logstash_format) {
      let prefix = o.logstash_prefix;
      if (this.prefixKey !== undefined && record !== undefined) {
        const v = renderAccessorTemplate(this.prefixKey, tag, record);
        if (v.length > 0 && !UNSAFE.test(v)) prefix = v.slice(0, 128);
      }
      return `${prefix}${o.logstash_prefix_separator}${this.dateFormat.of(time)}`;
    }
    if (o.current_time_index) return formatTimeKey(o.index, time);
    if (this.indexTemplate !== undefined && record !== undefined) {
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
