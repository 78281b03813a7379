import { CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withRequestBody } from '../../../../src/plugins/outputs/shared/record-batch-body.js';
import { ByteWriter } from '../../../../src/plugins/outputs/shared/record-bytes.js';
import { capture, sent, type Sent } from '../aws/sdk-capture.js';
import { bodyOf, type TestEvent } from './body-events.js';

const client = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 });

function sentBy(command: PutLogEventsCommand): Promise<Sent> {
  capture(command.middlewareStack);
  return sent(() => client.send(command));
}

// Any UTF-16 text: control characters, quotes, backslashes, astral characters and lone surrogates.
const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', '😀', 'é'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 });
const record = fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });

/**
 * An event as the output holds it, with the message the SDK gets for it: a string as the content
 * of its JSON literal (a log_key value), or JSON text (a record) that the body escapes.
 */
const event = fc.tuple(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.oneof(text.map((m) => ({ m, literal: true })), record.map((r) => ({ m: JSON.stringify(r), literal: false })))).map(([timestamp, { m, literal }]) => {
  const src = Buffer.from(literal ? `pad${JSON.stringify(m)}pad` : `pad${m}pad`, 'utf8');
  const body: TestEvent = { timestamp, src, from: literal ? 4 : 3, to: src.length - (literal ? 4 : 3), literal };
  return { body, message: m };
});

describe('PutLogEvents body written from bytes without the SDK serializer', () => {
  const w = new ByteWriter(16);

  it('is byte for byte the body the SDK writes for the same messages, with the same content hash', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, fc.array(event, { maxLength: 8 }), async (group, stream, events) => {
        const theirs = await sentBy(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events.map((e) => ({ timestamp: e.body.timestamp, message: e.message })) }));
        const command = new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [] });
        withRequestBody(
          command.middlewareStack,
          bodyOf(
            group,
            stream,
            events.map((e) => e.body),
            w,
          ),
        );
        const ours = await sentBy(command);
        expect(ours.body).toBe(theirs.body);
        expect(ours.headers['content-length']).toBe(theirs.headers['content-length']);
        expect(ours.headers['x-amz-content-sha256']).toBe(theirs.headers['x-amz-content-sha256']);
      }),
      { numRuns: 150 },
    );
  });
});
