import { CloudWatchLogsClient, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putLogEventsBody, type BodyEvent } from '../../../../src/plugins/outputs/cloudwatch_logs/put-body.js';
import { withRequestBody } from '../../../../src/plugins/outputs/shared/record-batch-body.js';
import { capture, sent, type Sent } from '../aws/sdk-capture.js';

const client = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 });

function sentBy(command: PutLogEventsCommand): Promise<Sent> {
  capture(command.middlewareStack);
  return sent(() => client.send(command));
}

// Any UTF-16 text: control characters, quotes, backslashes, astral characters and lone surrogates.
const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', '😀', 'é'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 30 });
const event = fc.record({ timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }), message: text });

describe('PutLogEvents body written without the SDK serializer', () => {
  it('is byte for byte the body the SDK writes, with the same content hash', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, fc.array(event, { maxLength: 8 }), async (group, stream, events: BodyEvent[]) => {
        const theirs = await sentBy(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events.map((e) => ({ ...e })) }));
        const command = new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [] });
        withRequestBody(command.middlewareStack, putLogEventsBody(group, stream, events));
        const ours = await sentBy(command);
        expect(ours.body).toBe(theirs.body);
        expect(ours.headers['content-length']).toBe(theirs.headers['content-length']);
        expect(ours.headers['x-amz-content-sha256']).toBe(theirs.headers['x-amz-content-sha256']);
      }),
      { numRuns: 150 },
    );
  });
});
