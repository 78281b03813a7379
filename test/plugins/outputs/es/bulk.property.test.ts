import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkFormatter, dotsReplacedInKeys } from '../../../../src/plugins/outputs/es/bulk.js';
import { esDocumentId, opensearchDocumentIds, packDocument, type DocumentIdOf } from '../../../../src/plugins/outputs/es/document-id.js';
import { formatTimeKey } from '../../../../src/plugins/outputs/shared/time-key.js';
import { splitNanos, type LogEvent, type LogRecord } from '../../../../src/record/event.js';
import { EncodedRecords } from '../../../../src/record/encoded.js';
import type { BulkOptions } from '../../../../src/plugins/outputs/es/options.js';
import { BASE } from './bulk-options.js';

/** Records as JSON gives them, without the keys the output adds. */
const record = fc
  .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
  .filter((r) => !Object.hasOwn(r, '@timestamp') && !Object.hasOwn(r, 'flb-key'))
  // As a JSON parser hands them over (-0 is 0).
  .map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);

function dotsReplaced(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dotsReplaced);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll('.', '_'), dotsReplaced(x)]));
  return v;
}

/** No two keys of a map become the same key once dots are replaced (JSON.parse would keep only one). */
function noCollisions(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(noCollisions);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).map((k) => k.replaceAll('.', '_'));
    return new Set(keys).size === keys.length && Object.values(v).every(noCollisions);
  }
  return true;
}

describe('bulk bodies (property)', () => {
  it('are action/source line pairs whose source is the time key, the tag key, then the record', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 10 }),
        fc.boolean(),
        fc.boolean(),
        (records, tagKey, replaceDots) => {
          fc.pre(!replaceDots || records.every(noCollisions));
          const f = new BulkFormatter({ ...BASE, include_tag_key: tagKey, replace_dots: replaceDots }, 'es');
          const { items } = f.format('app.x', EncodedRecords.from(records.map((r) => ({ time: 1_700_000_000_123_456_789n, record: r }))), 0n);
          expect(items).toHaveLength(records.length);
          items.forEach((item, i) => {
            expect(item.action).toBe('{"create":{"_index":"fluent-bit","_type":"_doc"}}\n');
            expect(item.source.endsWith('\n')).toBe(true);
            expect(item.source.indexOf('\n')).toBe(item.source.length - 1);
            const src = JSON.parse(item.source) as Record<string, unknown>;
            const expected = { '@timestamp': '2023-11-14T22:13:20.123Z', ...(tagKey ? { 'flb-key': 'app.x' } : {}), ...(replaceDots ? (dotsReplaced(records[i]) as object) : records[i]) };
            expect(Object.keys(src)).toEqual(Object.keys(expected));
            expect(src).toEqual(expected);
          });
        },
      ),
    );
  });
});

describe('action lines built from record values (property)', () => {
  /** Strings rich in what could break out of the action line's JSON. */
  const value = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\r', '\u0000', '}', ',', '{'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 140 });
  const safe = (v: string): boolean => !/["\\\u0000-\u001f]/.test(v);

  it('hold a record value only as a whole JSON string, else fall back as Fluent Bit does (Logstash_Prefix_Key, opensearch Index, Id_Key)', () => {
    fc.assert(
      fc.property(value, value, fc.constantFrom<'es' | 'opensearch'>('es', 'opensearch'), (ns, id, flavour) => {
        const options: BulkOptions =
          flavour === 'es'
            ? { ...BASE, logstash_format: true, logstash_prefix_key: 'ns', id_key: 'id', suppress_type_name: true }
            : { ...BASE, index: '$ns', id_key: 'id', suppress_type_name: true };
        const { items } = new BulkFormatter(options, flavour).format('app', EncodedRecords.from([{ time: 1_700_000_000_000_000_000n, record: { ns, id } }]), 0n);
        const line = items[0]!.action;
        expect(line.indexOf('\n')).toBe(line.length - 1);
        const named = ns !== '' && safe(ns);
        const index = flavour === 'es' ? `${named ? ns.slice(0, 128) : 'logstash'}-2023.11.14` : named ? ns : '$ns';
        expect(JSON.parse(line)).toEqual({ create: { _index: index, ...(safe(id) ? { _id: id } : {}) } });
      }),
    );
  });
});

/**
 * The Bulk body as logferry wrote it when outputs read records as objects: each record decoded,
 * then written again (dots replaced by walking it), its fields read from the object. The
 * formatter now splices its lines from the records' JSON text; the bodies must not change.
 */
function objectPathBody(o: BulkOptions, flavour: 'es' | 'opensearch', documentId: DocumentIdOf, tag: string, events: readonly LogEvent[], now: bigint): string {
  const dotted = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(dotted).join(',')}]`;
    if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k.replaceAll('.', '_'))}:${dotted(x)}`).join(',')}}`;
    return JSON.stringify(v);
  };
  const safe = (v: unknown): v is string => typeof v === 'string' && !/["\\\u0000-\u001f]/.test(v);
  let body = '';
  for (const { time, record } of events) {
    const id = o.id_key !== undefined ? (safe(record[o.id_key]) ? (record[o.id_key] as string) : undefined) : undefined;
    if (id === undefined && o.id_key !== undefined && (o.write_operation === 'update' || o.write_operation === 'upsert')) continue;
    const { nsec } = splitNanos(time);
    const timeText = `${formatTimeKey(o.time_key_format, time)}.${o.time_key_nanos ? String(nsec).padStart(9, '0') : String(Math.floor(nsec / 1e6)).padStart(3, '0')}Z`;
    const json = o.replace_dots ? dotted(record) : JSON.stringify(record);
    const tagPart = o.include_tag_key ? `,${JSON.stringify(o.tag_key)}:${JSON.stringify(tag)}` : '';
    const source = `{${JSON.stringify(o.time_key)}:${JSON.stringify(timeText)}${tagPart}${json === '{}' ? '' : `,${json.slice(1, -1)}`}}`;
    const tagged = o.include_tag_key ? { key: o.tag_key, value: tag } : undefined;
    const generated = o.generate_id && o.id_key === undefined ? documentId(packDocument(record, o.time_key, timeText, tagged, o.replace_dots)) : undefined;
    const docId = generated ?? id;
    const indexTime = o.current_time_index ? now : time;
    let index: string;
    if (o.logstash_format) {
      const p = o.logstash_prefix_key !== undefined ? record[o.logstash_prefix_key] : undefined;
      const prefix = typeof p === 'string' && p !== '' && safe(p) ? p.slice(0, 128) : o.logstash_prefix;
      index = `${prefix}${o.logstash_prefix_separator}${formatTimeKey(o.logstash_dateformat, indexTime)}`;
    } else if (o.current_time_index) index = formatTimeKey(o.index, indexTime);
    else index = docId !== undefined && flavour === 'es' ? o.index : formatTimeKey(o.index, now);
    const op = o.write_operation === 'upsert' ? 'update' : o.write_operation;
    body += `{"${op}":{"_index":"${index}"${o.suppress_type_name ? '' : `,"_type":"${o.type}"`}${docId !== undefined ? `,"_id":"${docId}"` : ''}}}\n`;
    body += o.write_operation === 'update' ? `{"doc":${source}}\n` : o.write_operation === 'upsert' ? `{"doc_as_upsert":true,"doc":${source}}\n` : `${source}\n`;
  }
  return body;
}

describe('bulk bodies from encoded records (property)', () => {
  /** Keys rich in what the text path must get right: dots, quotes, backslashes, colons, non-ASCII, line separators. */
  const key = fc.string({ unit: fc.constantFrom('a', 'b', '.', '"', '\\', ':', 'é', '\u2028', '1', '_', ' ', '{'), maxLength: 5 });
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.oneof(key, fc.double({ noNaN: true }), fc.integer(), fc.boolean(), fc.constant(null), fc.string()),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    ),
  }));
  const record = fc
    .record({ fields: fc.dictionary(key, value, { maxKeys: 6 }), id: fc.option(key, { nil: undefined }), ns: fc.option(key, { nil: undefined }) })
    .map(({ fields, id, ns }) => JSON.parse(JSON.stringify({ ...fields, ...(id !== undefined ? { id } : {}), ...(ns !== undefined ? { ns } : {}) })) as LogRecord);
  // Mostly in order within a few seconds (the per-second time text cache), some anywhere, some before 1970.
  const time = fc.oneof(fc.bigInt({ min: 1_700_000_000_000_000_000n, max: 1_700_000_003_000_000_000n }), fc.bigInt({ min: -5_000_000_000n, max: 4_000_000_000_000_000_000n }));
  const options = fc.record({
    include_tag_key: fc.boolean(),
    tag_key: fc.constantFrom('flb-key', 'a.b', '"t"'),
    replace_dots: fc.boolean(),
    time_key: fc.constantFrom('@timestamp', 'a.b', 'é"'),
    time_key_nanos: fc.boolean(),
    time_key_format: fc.constantFrom('%Y-%m-%dT%H:%M:%S', '%s', '%Y %L', '%H:%M:%S.%3N', '%9N%%'),
    write_operation: fc.constantFrom('create', 'index', 'update', 'upsert'),
    id_key: fc.option(fc.constant('id'), { nil: undefined }),
    generate_id: fc.boolean(),
    logstash_format: fc.boolean(),
    logstash_prefix_key: fc.option(fc.constant('ns'), { nil: undefined }),
    logstash_dateformat: fc.constantFrom('%Y.%m.%d', '%H:%M:%S', '%L'),
    current_time_index: fc.boolean(),
    suppress_type_name: fc.boolean(),
    index: fc.constantFrom('fluent-bit', 'logs-%Y.%m.%d'),
  });

  it('are byte for byte the bodies the object path built, for either flavour and any options', async () => {
    const xxh3 = await opensearchDocumentIds();
    fc.assert(
      fc.property(fc.array(fc.record({ time, record }), { maxLength: 8 }), options, fc.constantFrom<'es' | 'opensearch'>('es', 'opensearch'), (events, picked, flavour) => {
        const o: BulkOptions = { ...BASE, ...picked };
        fc.pre(!(o.write_operation === 'update' || o.write_operation === 'upsert') || o.id_key !== undefined || o.generate_id);
        const documentId = flavour === 'es' ? esDocumentId : xxh3;
        const now = 1_700_000_100_000_000_000n;
        const { items } = new BulkFormatter(o, flavour, documentId).format('app.x', EncodedRecords.from(events), now);
        expect(items.map((i) => i.action + i.source).join('')).toBe(objectPathBody(o, flavour, documentId, 'app.x', events, now));
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 300) },
    );
  });

  it('replace dots in keys only, at every depth, whatever the keys and strings hold', () => {
    fc.assert(
      fc.property(record, (r) => {
        const json = JSON.stringify(r);
        const walked = (v: unknown): unknown =>
          Array.isArray(v) ? v.map(walked) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll('.', '_'), walked(x)])) : v;
        fc.pre(noCollisions(r));
        expect(JSON.parse(dotsReplacedInKeys(json))).toEqual(walked(r));
      }),
    );
  });
});
