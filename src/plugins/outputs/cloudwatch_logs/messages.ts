/**
 * The message of each log event, read from the chunk's bytes (shared/record-bytes.ts): the
 * record's JSON text as the chunk holds it, or the log_key value found by skipping over the JSON
 * around it (a string value is the string, anything else its JSON). No record is decoded here.
 *
 * Events over 256 KiB are cut as Fluent Bit cuts them (cloudwatch_api.c truncate_log): the
 * message as escaped in the request body is kept up to MAX_MESSAGE_BYTES bytes, no marker added.
 * Fluent Bit then drops an unpaired trailing backslash; here the cut never falls inside an escape
 * or a UTF-8 character.
 */
import { escapedCut, keyBytes, literalCut, topLevelValue, unescapedByteLength } from '../shared/record-bytes.js';
import { MAX_MESSAGE_BYTES } from './batcher.js';

/** Where a message is (put-body.ts BodyEvent) and its size as CloudWatch Logs counts it. */
export interface MessageSlot {
  src: Buffer;
  from: number;
  to: number;
  /** The bytes are a JSON string literal's content (a log_key string value), else JSON text. */
  literal: boolean;
  /** UTF-8 bytes of the message. */
  bytes: number;
  truncated: boolean;
}

/** What reading a message came to: found (in the slot), no log_key in the record, or empty ('' or {}). */
export type MessageOutcome = 'found' | 'missing' | 'empty';

export class MessageReader {
  private readonly logKey: Buffer | undefined;

  constructor(logKey: string | undefined) {
    this.logKey = logKey !== undefined ? keyBytes(logKey) : undefined;
  }

  /**
   * Reads the message of the record JSON [from, to) of `src` (or a JSON text such as an EMF
   * document, with `whole`: log_key does not apply) into `slot`.
   */
  read(src: Buffer, from: number, to: number, slot: MessageSlot, whole = false): MessageOutcome {
    let literal = false;
    if (this.logKey !== undefined && !whole) {
      const value = topLevelValue(src, from, to, this.logKey);
      if (value === undefined) return 'missing';
      [from, to] = value;
      if (src[from] === 34) {
        from++;
        to--;
        literal = true;
      }
    }
    // An empty string or an empty map is no message.
    if (literal ? to === from : to - from === 2 && src[from] === 123) return 'empty';
    let end = to;
    if (literal) end = literalCut(src, from, to, MAX_MESSAGE_BYTES);
    // Escaping at most doubles the text: only a message over half the limit may need the count.
    else if (2 * (to - from) > MAX_MESSAGE_BYTES) end = escapedCut(src, from, to, MAX_MESSAGE_BYTES);
    slot.src = src;
    slot.from = from;
    slot.to = end;
    slot.literal = literal;
    slot.bytes = literal ? unescapedByteLength(src, from, end) : end - from;
    slot.truncated = end < to;
    return 'found';
  }
}

/** A slot to read messages into. */
export function messageSlot(): MessageSlot {
  return { src: Buffer.alloc(0), from: 0, to: 0, literal: false, bytes: 0, truncated: false };
}
