/**
 * The PutLogEvents request body written here, not by the SDK: its JSON serializer escapes every
 * message character by character in JavaScript and walks the schema per event (a quarter of the
 * agent's CPU shipping small lines to CloudWatch Logs), where JSON.stringify of a message is
 * native. The body is byte for byte what the SDK writes for the same input (tested); the command
 * goes to the SDK without events and `withRequestBody` swaps this body in after its serializer.
 */
export interface BodyEvent {
  readonly timestamp: number;
  readonly message: string;
}

/** `{"logGroupName":…,"logStreamName":…,"logEvents":[{"timestamp":…,"message":…},…]}` as the SDK writes it. */
export function putLogEventsBody(group: string, stream: string, events: readonly BodyEvent[]): string {
  let body = `{"logGroupName":${JSON.stringify(group)},"logStreamName":${JSON.stringify(stream)},"logEvents":[`;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    body += `${i > 0 ? ',' : ''}{"timestamp":${e.timestamp},"message":${JSON.stringify(e.message)}}`;
  }
  return `${body}]}`;
}
