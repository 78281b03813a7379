import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { localhostTls, startAwsLocal, type AwsLocal } from '../../src/aws-local/index.js';
import { CREDENTIALS } from './clients.js';

describe('aws-local over TLS', () => {
  let aws: AwsLocal | undefined;
  afterEach(async () => aws?.close());

  it('serves the same API over HTTPS with the bundled localhost certificate, which clients must trust or not verify', async () => {
    const tls = localhostTls();
    aws = await startAwsLocal({ tls });
    expect(aws.endpoint).toBe(`https://127.0.0.1:${aws.port}`);
    const trusting = new NodeHttpHandler({ httpsAgent: new Agent({ ca: tls.cert }) });
    const logs = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1, requestHandler: trusting });
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
    await logs.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'over tls' }] }));
    expect(aws.store.logEvents('g', 's').map((e) => e.message)).toEqual(['over tls']);

    const unverified = new FirehoseClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ rejectUnauthorized: false }) }) });
    const reply = await unverified.send(new PutRecordBatchCommand({ DeliveryStreamName: 'd', Records: [{ Data: Buffer.from('a\n') }] }));
    expect(reply.FailedPutCount).toBe(0);
    expect(aws.store.firehoseRecords('d').map(String)).toEqual(['a\n']);

    // A client that checks certificates against the usual roots refuses it: this is TLS, not HTTP.
    const strict = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    await expect(strict.send(new CreateLogGroupCommand({ logGroupName: 'h' }))).rejects.toThrow(/self[- ]signed|certificate/i);
    for (const c of [logs, unverified, strict]) c.destroy();
  });
});
