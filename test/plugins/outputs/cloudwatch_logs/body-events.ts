import { EventTable } from '../../../../src/plugins/outputs/cloudwatch_logs/event-table.js';
import { messageSlot } from '../../../../src/plugins/outputs/cloudwatch_logs/messages.js';
import { putLogEventsBody } from '../../../../src/plugins/outputs/cloudwatch_logs/put-body.js';
import type { ByteWriter } from '../../../../src/plugins/outputs/shared/record-bytes.js';

/** One event as a test writes it: its message is [from, to) of `src`, a literal's content or JSON text. */
export interface TestEvent {
  readonly timestamp: number;
  readonly src: Buffer;
  readonly from: number;
  readonly to: number;
  readonly literal: boolean;
}

/** The PutLogEvents body of `events` in their order, written as the output writes it (an EventTable grown from one row). */
export function bodyOf(group: string, stream: string, events: readonly TestEvent[], w: ByteWriter): Buffer {
  const table = new EventTable(Buffer.alloc(0), 1);
  const slot = messageSlot();
  for (const e of events) {
    Object.assign(slot, { src: e.src, from: e.from, to: e.to, literal: e.literal });
    table.push(e.timestamp, slot, 0);
  }
  const order = Int32Array.from(events, (_, i) => i);
  return putLogEventsBody(group, stream, table, order, 0, events.length, w);
}
