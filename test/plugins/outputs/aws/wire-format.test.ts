/**
 * The wire format of the outputs' data-plane client (aws-json-client.ts) against the AWS SDK's:
 * the same batch goes through the real SDK client and through the new client to aws-local, which
 * verifies both signatures (it knows the test credentials' secret), and what arrived is compared.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal, type CallRecord } from '../../../../src/aws-local/index.js';
import { OUTPUT_COMMON } from '../../../../src/options/common.js';
import { awsClientConfig, type AwsOptions } from '../../../../src/plugins/outputs/shared/aws-client.js';
import { AwsJsonClient, CLOUDWATCH_LOGS_SERVICE, FIREHOSE_SERVICE, KINESIS_SERVICE, type AwsJsonService } from '../../../../src/plugins/outputs/shared/aws-json-client.js';
import { tableOptions } from '../../../support/check.js';
import { LOCAL_CREDENTIALS } from './use-aws-local.js';

const REGION = 'eu-west-1';
const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 8);

let aws: AwsLocal;
let sdkConfig: { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };
beforeAll(async () => {
  aws = await startAwsLocal({ credentials: { [LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID]: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY } });
  Object.assign(process.env, LOCAL_CREDENTIALS);
  sdkConfig = { region: REGION, endpoint: aws.endpoint, credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY }, maxAttempts: 1 };
});
afterAll(async () => {
  await aws.close();
});

/** The new client as an output makes it: from the options (credentials from the environment, as the outputs' default chain finds them). */
function ours(service: AwsJsonService, sdk: CloudWatchLogsClient | FirehoseClient | KinesisClient): AwsJsonClient {
  const options: AwsOptions = { ...tableOptions(OUTPUT_COMMON), region: REGION, endpoint: aws.endpoint };
  return new AwsJsonClient(awsClientConfig(options, 'wire-test'), service, sdk);
}

/** The last call of `operation` that aws-local got. */
function lastCall(operation: string): CallRecord {
  const calls = aws.store.calls(operation);
  return calls[calls.length - 1]!;
}

/** What must agree between the SDK's request and ours. */
function wire(call: CallRecord) {
  const h = call.headers;
  return {
    target: h['x-amz-target'],
    contentType: h['content-type'],
    host: h['host'],
    dated: /^\d{8}T\d{6}Z$/.test(h['x-amz-date'] ?? ''),
    scope: /Credential=([^,]+),/.exec(h['authorization'] ?? '')?.[1]?.replace(/\/\d{8}\//, '/<day>/'),
    signature: call.signature,
    body: JSON.parse(call.body!.toString('utf8')) as unknown,
  };
}

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });
const data = fc.uint8Array({ minLength: 1, maxLength: 60 }).map((b) => Buffer.from(b));

describe('the data-plane client sends what the AWS SDK sends', () => {
  it('PutLogEvents: same target, content type, host, credential scope and JSON body; both signatures verified by aws-local', async () => {
    const sdk = new CloudWatchLogsClient(sdkConfig);
    const client = ours(CLOUDWATCH_LOGS_SERVICE, sdk);
    try {
      await sdk.send(new CreateLogGroupCommand({ logGroupName: 'wire' }));
      await sdk.send(new CreateLogStreamCommand({ logGroupName: 'wire', logStreamName: 's' }));
      await fc.assert(
        fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 20 }), async (messages) => {
          const input = { logGroupName: 'wire', logStreamName: 's', logEvents: messages.map((message, i) => ({ timestamp: Date.now() + i, message })) };
          const out = await sdk.send(new PutLogEventsCommand(input));
          const theirs = wire(lastCall('PutLogEvents'));
          const answer = await client.send('PutLogEvents', JSON.stringify(input));
          const mine = wire(lastCall('PutLogEvents'));
          expect(mine).toEqual(theirs);
          expect(mine).toMatchObject({ target: 'Logs_20140328.PutLogEvents', contentType: 'application/x-amz-json-1.1', signature: 'verified', scope: `AKIDLOCAL/<day>/${REGION}/logs/aws4_request` });
          expect(Object.keys(answer as object)).toEqual(Object.keys(out).filter((k) => k !== '$metadata'));
        }),
        { numRuns: RUNS },
      );
    } finally {
      client.destroy();
      sdk.destroy();
    }
  });

  it('PutRecordBatch: same wire format, and the per-record answers read the same', async () => {
    const sdk = new FirehoseClient(sdkConfig);
    const client = ours(FIREHOSE_SERVICE, sdk);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(data, { minLength: 1, maxLength: 20 }), async (records) => {
          const out = await sdk.send(new PutRecordBatchCommand({ DeliveryStreamName: 'wire', Records: records.map((Data) => ({ Data })) }));
          const theirs = wire(lastCall('PutRecordBatch'));
          const before = aws.store.firehoseRecords('wire').length;
          const body = JSON.stringify({ DeliveryStreamName: 'wire', Records: records.map((r) => ({ Data: r.toString('base64') })) });
          const answer = (await client.send('PutRecordBatch', body)) as { FailedPutCount: number; RequestResponses: { RecordId?: string }[] };
          const mine = wire(lastCall('PutRecordBatch'));
          expect(mine).toEqual(theirs);
          expect(mine).toMatchObject({ target: 'Firehose_20150804.PutRecordBatch', signature: 'verified', scope: `AKIDLOCAL/<day>/${REGION}/firehose/aws4_request` });
          expect(answer.FailedPutCount).toBe(out.FailedPutCount);
          expect(answer.RequestResponses).toHaveLength(out.RequestResponses!.length);
          const stored = aws.store.firehoseRecords('wire');
          expect(stored.slice(before)).toEqual(stored.slice(before - records.length, before));
        }),
        { numRuns: RUNS },
      );
    } finally {
      client.destroy();
      sdk.destroy();
    }
  });

  it('PutRecords: same wire format over HTTP/1.1, and the same records stored', async () => {
    // HTTP/1.1 as the kinesis_streams output sent PutRecords through the SDK (its default is HTTP/2).
    const sdk = new KinesisClient({ ...sdkConfig, requestHandler: new NodeHttpHandler() });
    const client = ours(KINESIS_SERVICE, sdk);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ data, key: text }), { minLength: 1, maxLength: 20 }), async (records) => {
          await sdk.send(new PutRecordsCommand({ StreamName: 'wire', Records: records.map((r) => ({ Data: r.data, PartitionKey: r.key })) }));
          const theirs = wire(lastCall('PutRecords'));
          const before = aws.store.kinesisRecords('wire').length;
          const body = JSON.stringify({ Records: records.map((r) => ({ Data: r.data.toString('base64'), PartitionKey: r.key })), StreamName: 'wire' });
          const answer = (await client.send('PutRecords', body)) as { FailedRecordCount?: number; Records: unknown[] };
          const mine = wire(lastCall('PutRecords'));
          expect(mine).toEqual(theirs);
          expect(mine).toMatchObject({ target: 'Kinesis_20131202.PutRecords', signature: 'verified', scope: `AKIDLOCAL/<day>/${REGION}/kinesis/aws4_request` });
          expect(answer.Records).toHaveLength(records.length);
          const stored = aws.store.kinesisRecords('wire');
          expect(stored.slice(before).map((r) => [r.data, r.partitionKey])).toEqual(stored.slice(before - records.length, before).map((r) => [r.data, r.partitionKey]));
        }),
        { numRuns: RUNS },
      );
    } finally {
      client.destroy();
      sdk.destroy();
    }
  });
});
