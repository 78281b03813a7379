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
import { splitNanos } from '../../../record/event.js';
import { MAX_RECORD_DEPTH, TOO_DEEP } from '../../../engine/record-depth.js';
import type { OutputContext } from '../../../engine/plugin.js';
import type { KinesisOptions } from './options.js';
import { recordJson } from '../shared/record-json.js';
import { formatTimeKey } from '../shared/time-key.js';
import { MAX_RECORD_BYTES } from '../kinesis_streams/batcher.js';
import { RecordDatas } from '../shared/record-batches.js';
import { KinesisStreamsOutput, type KinesisEncoder } from '../kinesis_streams/streams-output.js';

/** The kinesis (Go) options as the plan types them. */
/** The kinesis (Go plugin) options as its table types them. */
export type GoKinesisOptions = KinesisOptions;

const TRUNCATED = Buffer.from('[Truncated...]');
const PARTITION_KEY_MAX = 256;
const RANDOM_KEY_LENGTH = 8;
const KEY_CHARSET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomKey(): string {
  let out = '';
  for (let i = 0; i < RANDOM_KEY_LENGTH; i++) out += KEY_CHARSET[Math.floor(Math.random() * KEY_CHARSET.length)];
  return out;
}

const HTML = /[<>&\u2028\u2029]/g;
const htmlEscape = (json: string) => json.replace(HTML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * JSON as Go's encoding/json writes a decoded record: map keys sorted, HTML characters escaped.
 * Levels below MAX_RECORD_DEPTH are written as TOO_DEEP.
 */
export function goJson(value: unknown, room = MAX_RECORD_DEPTH): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return htmlEscape(JSON.stringify(value));
    case 'bigint':
      return value.toString();
    case 'number':
    case 'boolean':
      return recordJson(value);
    case 'object':
      break;
    default:
      return 'null';
  }
  if (room <= 0) return JSON.stringify(TOO_DEEP);
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v, room - 1)).join(',')}]`;
  if (value instanceof Uint8Array) return goJson(Buffer.from(value).toString('utf8'));
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  return `{${keys.map((k) => `${htmlEscape(JSON.stringify(k))}:${goJson(o[k], room - 1)}`).join(',')}}`;
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

/** The encoder of the Go plugin's records. */
export function goEncoder(o: GoKinesisOptions, warn: (message: string) => void): KinesisEncoder {
  const path = o.partition_key ? o.partition_key.split('->') : undefined;
  // DataKeys: the list is trimmed as a whole and split on commas (each key as written).
  const dataKeys = o.data_keys ? new Set(o.data_keys.trim().split(',')) : undefined;
  const compress = o.compression === 'gzip' ? zlib.gzipSync : o.compression === 'zlib' ? zlib.deflateSync : undefined;
  let warnedKey = false;
  // Go's JSON sorts the keys: this encoder needs each record as an object (batch.events decodes them).
  return (batch, w, drop) => {
    const events = batch.events;
    const bounds = new Uint32Array(events.length + 1);
    bounds[0] = w.pos;
    const partitionKeys: string[] = [];
    let missingLogKey = 0;
    let tooLarge = 0;
    let truncated = 0;
    for (const e of events) {
      let record = e.record;
      if (o.time_key) record = { ...record, [o.time_key]: goStrftime(o.time_key_format, e.time) };
      let partitionKey = path ? partitionKeyOf(record, path) : undefined;
      if (path && partitionKey === undefined && !warnedKey) {
        warnedKey = true;
        warn(`the partition key ${o.partition_key} could not be found in a record, using a random string instead`);
      }
      partitionKey ??= randomKey();
      if (dataKeys) record = Object.fromEntries(Object.entries(record).filter(([k]) => dataKeys.has(k)));
      if (o.replace_dots) record = replaceDots(record, o.replace_dots);
      let text: string;
      if (o.log_key !== undefined) {
        if (!Object.hasOwn(record, o.log_key)) {
          missingLogKey++;
          continue;
        }
        const v = record[o.log_key];
        text = typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : goJson(v);
      } else {
        text = goJson(record);
      }
      let data = Buffer.from(o.append_newline ? `${text}\n` : text, 'utf8');
      const max = MAX_RECORD_BYTES - Buffer.byteLength(partitionKey, 'utf8');
      if (compress) {
        data = compress(data);
        if (data.length > max) {
          tooLarge++;
          continue;
        }
      } else if (data.length > max) {
        data = Buffer.concat([data.subarray(0, max - TRUNCATED.length), TRUNCATED]);
        truncated++;
      }
      w.copy(data, 0, data.length);
      bounds[partitionKeys.length + 1] = w.pos;
      partitionKeys.push(partitionKey);
    }
    if (missingLogKey > 0) drop(`log_key '${o.log_key}' not found in the record`, missingLogKey);
    if (tooLarge > 0) drop('compressed record larger than 1 MiB with its partition key (Kinesis limit)', tooLarge);
    if (truncated > 0) warn(`${truncated} record(s) larger than 1 MiB truncated to fit, stream=${o.stream}`);
    return { datas: RecordDatas.contiguous(w.take(), bounds.subarray(0, partitionKeys.length + 1)), partitionKeys };
  };
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
