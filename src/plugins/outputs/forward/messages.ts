/**
 * The messages the forward output sends for a batch, as Fluent Bit's out_forward composes them
 * (plugins/out_forward/forward_format.c):
 *
 *   Forward                  [tag, [[time, record], ...], options?]           time: EventTime
 *   CompressedPackedForward  [tag, bin(gzip(entries)), {compressed: 'gzip', ...}]
 *   Forward compat           [tag, [[seconds, record], ...], options?]        Time_as_Integer
 *   Message                  [tag, time, record, options] per record          Tag read from records
 *
 * Entries are [[time, metadata], record] with Retain_Metadata_In_Forward_Mode (logferry records
 * carry no metadata: it is an empty map). Options are sent with Send_Options, Require_ack_response,
 * Compress gzip or Add_Option; with acks, `chunk` is the Base64 of the first 16 bytes of the
 * SHA-512 of the entries, as Fluent Bit makes it.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'msgpackr';
import type { LogEvent } from '../../../record/event.js';
import { eventTimeBytes, integerTimeBytes } from '../../shared/forward/event-time.js';
import { arrayHeader, binHeader, mapHeader, strBytes } from '../../shared/forward/msgpack-bytes.js';

export interface MessageSettings {
  readonly timeAsInteger: boolean;
  readonly retainMetadata: boolean;
  /** Send the options map (send_options, or implied by acks, gzip or extra options). */
  readonly sendOptions: boolean;
  readonly requireAck: boolean;
  readonly gzip: boolean;
  /** Add_Option pairs, in order. */
  readonly extraOptions: readonly (readonly [string, string])[];
}

/** One message and the chunk id its ack must carry (when acks are required). */
export interface OutgoingMessage {
  readonly bytes: Buffer;
  readonly chunk?: string;
}

const EMPTY_MAP = mapHeader(0);

function chunkId(data: Buffer): string {
  return createHash('sha512').update(data).digest().subarray(0, 16).toString('base64');
}

function entry(e: LogEvent, s: MessageSettings): Buffer {
  if (s.timeAsInteger) return Buffer.concat([arrayHeader(2), integerTimeBytes(e.time), pack(e.record)]);
  const time = eventTimeBytes(e.time);
  const head = s.retainMetadata ? Buffer.concat([arrayHeader(2), time, EMPTY_MAP]) : time;
  return Buffer.concat([arrayHeader(2), head, pack(e.record)]);
}

/** The options map (Fluent Bit's append_options order) and its chunk id. */
function options(s: MessageSettings, entries: number, data: Buffer, compressed: boolean): { bytes: Buffer; chunk?: string } {
  const o: Record<string, unknown> = {};
  const chunk = s.requireAck ? chunkId(data) : undefined;
  if (chunk !== undefined) o['chunk'] = chunk;
  if (entries > 0) o['size'] = entries;
  if (compressed) o['compressed'] = 'gzip';
  o['fluent_signal'] = 0; // logs
  for (const [k, v] of s.extraOptions) o[k] = v;
  return { bytes: pack(o), ...(chunk !== undefined ? { chunk } : {}) };
}

/** The Forward (or compat, or CompressedPackedForward) message of a batch under one tag. */
export function forwardMessage(tag: string, events: readonly LogEvent[], s: MessageSettings): OutgoingMessage {
  const entries = Buffer.concat(events.map((e) => entry(e, s)));
  const compressed = s.gzip && !s.timeAsInteger;
  const body = compressed ? gzipSync(entries) : entries;
  const parts = [arrayHeader(s.sendOptions ? 3 : 2), strBytes(tag), compressed ? binHeader(body.length) : arrayHeader(events.length), body];
  if (!s.sendOptions) return { bytes: Buffer.concat(parts) };
  const opts = options(s, events.length, entries, compressed);
  return { bytes: Buffer.concat([...parts, opts.bytes]), ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}) };
}

/** Message mode: one message per record, each with its own tag and options. */
export function messageModeMessages(events: readonly LogEvent[], tagOf: (e: LogEvent) => string, s: MessageSettings): OutgoingMessage[] {
  return events.map((e) => {
    const record = pack(e.record);
    const time = s.timeAsInteger ? integerTimeBytes(e.time) : eventTimeBytes(e.time);
    const opts = options(s, 0, Buffer.concat([time, record]), false);
    return { bytes: Buffer.concat([arrayHeader(4), strBytes(tagOf(e)), time, record, opts.bytes]), ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}) };
  });
}
