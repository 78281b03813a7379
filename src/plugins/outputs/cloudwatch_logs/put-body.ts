/**
 * The PutLogEvents request body written here, not by the SDK: its JSON serializer escapes every
 * message character by character in JavaScript and walks the schema per event (a quarter of the
 * agent's CPU shipping small lines to CloudWatch Logs). The body is written byte by byte from the
 * chunk's encoded records (shared/record-bytes.ts), byte for byte what the SDK writes for the same
 * input (tested); the command goes to the SDK without events and `withRequestBody` swaps this body
 * in after its serializer.
 */
import type { ByteWriter } from '../shared/record-bytes.js';

/**
 * What the body reads of a chunk's events (event-table.ts EventTable): event i's message is bytes
 * [from[i], to[i]) of `srcOf(i)`, either JSON text (a record as the chunk holds it, an EMF
 * document) that the body escapes as a JSON string, or, when `literal[i]` is 1, the content of a
 * JSON string literal as JSON.stringify wrote it (a log_key string value), which the body holds as
 * it is.
 */
export interface BodyEvents {
  readonly timestamp: Float64Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly literal: Uint8Array;
  srcOf(i: number): Buffer;
}

const FIRST_EVENT = Buffer.from('{"timestamp":');
const NEXT_EVENT = Buffer.from(',{"timestamp":');
const MESSAGE_START = Buffer.from(',"message":"');

/**
 * `{"logGroupName":…,"logStreamName":…,"logEvents":[{"timestamp":…,"message":…},…]}` as the SDK
 * writes it, for events order[start..end), in `w`; the body is a view of `w`'s memory, valid until
 * `w` writes again.
 */
export function putLogEventsBody(group: string, stream: string, events: BodyEvents, order: Int32Array, start: number, end: number, w: ByteWriter): Buffer {
  w.ascii('{"logGroupName":');
  w.jsonString(group);
  w.ascii(',"logStreamName":');
  w.jsonString(stream);
  w.ascii(',"logEvents":[');
  for (let k = start; k < end; k++) {
    const i = order[k]!;
    const head = k > start ? NEXT_EVENT : FIRST_EVENT;
    w.copy(head, 0, head.length);
    w.int(events.timestamp[i]!);
    w.copy(MESSAGE_START, 0, MESSAGE_START.length);
    const src = events.srcOf(i);
    if (events.literal[i] === 1) w.copy(src, events.from[i]!, events.to[i]!);
    else w.escapedJson(src, events.from[i]!, events.to[i]!);
    w.byte(34);
    w.byte(125);
  }
  w.ascii(']}');
  return w.written();
}
