/**
 * Records as the AWS Go plugin `kinesis` (amazon-kinesis-streams-for-fluent-bit, kinesis.go) sends
 * them, on the kinesis_streams runtime: time_key set in the record (formatted with Go strftime:
 * %L milliseconds, %f microseconds), the partition key read from the record (`a->b` for nested
 * keys, at most 256 characters; a random 8-character key when absent), data_keys, replace_dots,
 * log_key, then Go's JSON (keys sorted, <, > and & escaped), a newline only with append_newline,
 * optional zlib/gzip compression, and records over 1 MiB (with their key) truncated with
 * "[Truncated...]" as the Go plugin does.
 */
import * as zlib from 'node:zlib';
import { splitNanos, type LogEvent } from '../../../record/event.js';
import type { EncodedRecords } from '../../../record/encoded.js';
import { MAX_RECORD_DEPTH } from '../../../engine/record-depth.js';
import type { OutputContext } from '../../../engine/plugin.js';
import type { KinesisOptions } from './options.js';
import { keyBytes, literalText, topLevelValue, type ByteWriter } from '../shared/record-bytes.js';
import { goJson, goSorted, mapMembers, renameMember, writeGoMap, writeGoValue, type GoMember } from './go-json.js';
import { formatTimeKey } from '../shared/time-key.js';
import { MAX_RECORD_BYTES } from '../kinesis_streams/batcher.js';
import { RecordDatas } from '../shared/record-batches.js';
import { KinesisStreamsOutput, type KinesisEncoder } from '../kinesis_streams/streams-output.js';

/** The kinesis (Go) options as the plan types them. */
/** The kinesis (Go plugin) options as its table types them. */
export type GoKinesisOptions = KinesisOptions;

const TRUNCATED = Buffer.from('[Truncated...]');
const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const NEWLINE = 0x0a;
const PARTITION_KEY_MAX = 256;
const RANDOM_KEY_LENGTH = 8;
const KEY_CHARSET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomKey(): string {
  let out = '';
  for (let i = 0; i < RANDOM_KEY_LENGTH; i++) out += KEY_CHARSET[Math.floor(Math.random() * KEY_CHARSET.length)];
  return out;
}

/** A time as lestrrat-go/strftime formats it with %L (milliseconds) and %f (microseconds), in UTC. */
export function goStrftime(format: string, time: bigint): string {
  const { nsec } = splitNanos(time);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    const next = format[i + 1];
    if (ch === '%' && next === 'L') out += String(Math.floor(nsec / 1e6)).padStart(3, '0');
    else if (ch === '%' && next === 'f') out += String(Math.floor(nsec / 1e3)).padStart(6, '0');
    else if (ch === '%' && next !== undefined) out += `%${next}`;
    else {
      out += ch;
      continue;
    }
    i++;
  }
  return formatTimeKey(out, time);
}

/** The partition key of a record (`a->b` walks into maps), or undefined when absent or not a non-empty string. */
export function partitionKeyOf(record: Record<string, unknown>, path: readonly string[]): string | undefined {
  let current: unknown = record;
  for (let i = 0; i < path.length; i++) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    const v = (current as Record<string, unknown>)[path[i]!];
    if (i === path.length - 1) {
      const text = typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : '';
      return text === '' ? undefined : text.slice(0, PARTITION_KEY_MAX);
    }
    current = v;
  }
  return undefined;
}

/**
 * Dots in keys replaced at every map depth (not inside arrays, as the Go plugin's replaceDots),
 * down to MAX_RECORD_DEPTH levels (below, goJson writes TOO_DEEP anyway).
 */
function replaceDots(record: Record<string, unknown>, by: string, room = MAX_RECORD_DEPTH): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    const nested = room > 1 && typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
    out[k.replaceAll('.', by)] = nested ? replaceDots(v as Record<string, unknown>, by, room - 1) : v;
  }
  return out;
}

/** What writing one record came to: its partition key (read before anything else), and whether it was written (not without its log_key). */
interface Written {
  readonly partitionKey: string | undefined;
  readonly written: boolean;
}

/** The encoder of the Go plugin's records. */
export function goEncoder(o: GoKinesisOptions, warn: (message: string) => void): KinesisEncoder {
  const path = o.partition_key ? o.partition_key.split('->') : undefined;
  const pathKeys = path?.map(keyBytes);
  // DataKeys: the list is trimmed as a whole and split on commas (each key as written).
  const dataKeys = o.data_keys ? new Set(o.data_keys.trim().split(',')) : undefined;
  const compress = o.compression === 'gzip' ? zlib.gzipSync : o.compression === 'zlib' ? zlib.deflateSync : undefined;
  // Empty time_key and replace_dots are off, as in the Go plugin.
  const timeKey = o.time_key || undefined;
  const dots = o.replace_dots || undefined;
  const plain = timeKey === undefined && dataKeys === undefined && dots === undefined && o.log_key === undefined;
  const pathStartsAtTimeKey = path !== undefined && timeKey !== undefined && path[0] === timeKey;
  let warnedKey = false;
  // The time's text, made once per second when the format shows nothing finer.
  const perSecond = !/%(?:L|f|3N|9N)/.test(o.time_key_format);
  let cached: { second: bigint; text: string } | undefined;
  const timeOf = (time: bigint): string => {
    if (!perSecond) return goStrftime(o.time_key_format, time);
    const second = time / 1_000_000_000n;
    if (cached?.second !== second) cached = { second, text: goStrftime(o.time_key_format, time) };
    return cached.text;
  };

  /** Record i of a chunk, written from its JSON: only keys (and a log_key or partition key string) are decoded. */
  const fromBytes = (records: EncodedRecords, i: number, w: ByteWriter): Written => {
    const [from, to] = records.jsonRange(i);
    const b = records.bytes;
    const timeText = timeKey === undefined ? undefined : timeOf(records.time(i));
    let partitionKey: string | undefined;
    if (pathStartsAtTimeKey) partitionKey = path.length === 1 && timeText !== '' ? timeText!.slice(0, PARTITION_KEY_MAX) : undefined;
    else if (pathKeys) partitionKey = partitionKeyIn(b, from, to, pathKeys);
    if (plain) {
      writeGoValue(w, b, from, to, MAX_RECORD_DEPTH, undefined);
      return { partitionKey, written: true };
    }
    let members = mapMembers(b, from, to);
    if (timeKey !== undefined) {
      const own: GoMember = { key: timeKey, keyFrom: -1, keyTo: -1, from: 0, to: 0, text: timeText! };
      const at = members.findIndex((m) => m.key === timeKey);
      if (at >= 0) members[at] = own;
      else members.push(own);
    }
    if (dataKeys) members = members.filter((m) => dataKeys.has(m.key));
    if (dots !== undefined) for (const m of members) renameMember(m, m.key.replaceAll('.', dots));
    if (o.log_key === undefined) {
      writeGoMap(w, b, goSorted(members), MAX_RECORD_DEPTH, dots);
      return { partitionKey, written: true };
    }
    const v = members.findLast((m) => m.key === o.log_key);
    if (v === undefined) return { partitionKey, written: false };
    if (v.text !== undefined) w.utf8(v.text);
    else if (b[v.from] === QUOTE) w.literalContent(b, v.from, v.to);
    else writeGoValue(w, b, v.from, v.to, MAX_RECORD_DEPTH, dots);
    return { partitionKey, written: true };
  };

  /** A decoded record (a batch made in-process without encoded records). */
  const fromEvent = (e: LogEvent, w: ByteWriter): Written => {
    let record = e.record;
    if (timeKey !== undefined) record = { ...record, [timeKey]: goStrftime(o.time_key_format, e.time) };
    const partitionKey = path ? partitionKeyOf(record, path) : undefined;
    if (dataKeys) record = Object.fromEntries(Object.entries(record).filter(([k]) => dataKeys.has(k)));
    if (dots !== undefined) record = replaceDots(record, dots);
    if (o.log_key === undefined) w.utf8(goJson(record));
    else if (!Object.hasOwn(record, o.log_key)) return { partitionKey, written: false };
    else {
      const v = record[o.log_key];
      w.utf8(typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : goJson(v));
    }
    return { partitionKey, written: true };
  };

  return (batch, w, drop) => {
    const records = batch.records;
    const count = records ? records.count : batch.events.length;
    const bounds = new Uint32Array(count + 1);
    bounds[0] = w.pos;
    const partitionKeys: string[] = [];
    let missingLogKey = 0;
    let tooLarge = 0;
    let truncated = 0;
    for (let i = 0; i < count; i++) {
      const start = w.pos;
      const record = records ? fromBytes(records, i, w) : fromEvent(batch.events[i]!, w);
      if (path && record.partitionKey === undefined && !warnedKey) {
        warnedKey = true;
        warn(`the partition key ${o.partition_key} could not be found in a record, using a random string instead`);
      }
      if (!record.written) {
        w.pos = start;
        missingLogKey++;
        continue;
      }
      const partitionKey = record.partitionKey ?? randomKey();
      if (o.append_newline) w.byte(NEWLINE);
      const max = MAX_RECORD_BYTES - Buffer.byteLength(partitionKey, 'utf8');
      if (compress) {
        const data = compress(w.since(start));
        w.pos = start;
        if (data.length > max) {
          tooLarge++;
          continue;
        }
        w.copy(data, 0, data.length);
      } else if (w.pos - start > max) {
        w.pos = start + max - TRUNCATED.length;
        w.copy(TRUNCATED, 0, TRUNCATED.length);
        truncated++;
      }
      bounds[partitionKeys.length + 1] = w.pos;
      partitionKeys.push(partitionKey);
    }
    if (missingLogKey > 0) drop(`log_key '${o.log_key}' not found in the record`, missingLogKey);
    if (tooLarge > 0) drop('compressed record larger than 1 MiB with its partition key (Kinesis limit)', tooLarge);
    if (truncated > 0) warn(`${truncated} record(s) larger than 1 MiB truncated to fit, stream=${o.stream}`);
    return { datas: RecordDatas.contiguous(w.take(), bounds.subarray(0, partitionKeys.length + 1)), partitionKeys };
  };
}

/** partitionKeyOf on a record's JSON [from, to): `keys` are the path's keys as keyBytes writes them. */
function partitionKeyIn(b: Buffer, from: number, to: number, keys: readonly Buffer[]): string | undefined {
  let f = from;
  let t = to;
  for (let i = 0; i < keys.length; i++) {
    if (b[f] !== OPEN_BRACE) return undefined;
    const v = topLevelValue(b, f, t, keys[i]!);
    if (v === undefined) return undefined;
    [f, t] = v;
  }
  if (b[f] !== QUOTE) return undefined;
  const text = literalText(b, f, t);
  return text === '' ? undefined : text.slice(0, PARTITION_KEY_MAX);
}

/** The kinesis (Go plugin) runtime for an instance. */
export function createGoKinesisOutput(o: GoKinesisOptions, ctx: OutputContext): KinesisStreamsOutput {
  const timeout = o.http_request_timeout;
  return new KinesisStreamsOutput(ctx, {
    label: `kinesis ${ctx.displayName}`,
    stream: o.stream,
    // The Go plugin has no profile, external_id or auto_retry_requests: the SDK's default chain and retries.
    // Connections as the other AWS outputs make them (net.* timeouts and keepalive, tls.*).
    // Its table has none of those keys; Port is not used with its endpoint.
    aws: { ...o, port: undefined },
    ...(timeout !== undefined && timeout > 0 ? { requestTimeoutMs: timeout * 1000 } : {}),
    encode: goEncoder(o, (m) => ctx.log.warn(m)),
  });
}
