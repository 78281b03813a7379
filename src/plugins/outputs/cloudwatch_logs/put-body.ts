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
 * One event as the body writes it: its message is bytes [from, to) of `src`, either JSON text
 * (a record as the chunk holds it, an EMF document) that the body escapes as a JSON string, or,
 * when `literal`, the content of a JSON string literal as JSON.stringify wrote it (a log_key
 * string value), which the body holds as it is.
 */
export interface BodyEvent {
  readonly timestamp: number;
  readonly src: Buffer;
  readonly from: number;
  readonly to: number;
  readonly literal: boolean;
}

const FIRST_EVENT = Buffer.from('{"timestamp":');
const NEXT_EVENT = Buffer.from(',{"timestamp":');
const MESSAGE_START = Buffer.from(',"message":"');

/** `{"logGroupName":…,"logStreamName":…,"logEvents":[{"timestamp":…,"message":…},…]}` as the SDK writes it. */
export function putLogEventsBody(group: string, stream: string, events: readonly BodyEvent[], w: ByteWriter): Buffer {
  w.ascii('{"logGroupName":');
  w.jsonString(group);
  w.ascii(',"logStreamName":');
  w.jsonString(stream);
  w.ascii(',"logEvents":[');
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const start = i > 0 ? NEXT_EVENT : FIRST_EVENT;
    w.copy(start, 0, start.length);
    w.int(e.timestamp);
    w.copy(MESSAGE_START, 0, MESSAGE_START.length);
    if (e.literal) w.copy(e.src, e.from, e.to);
    else w.escapedJson(e.src, e.from, e.to);
    w.byte(34);
    w.byte(125);
  }
  w.ascii(']}');
  return w.take();
}
