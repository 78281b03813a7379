import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putRecordBatchBody, putRecordsBody, withRequestBody } from '../../../../src/plugins/outputs/shared/record-batch-body.js';
import { RecordDatas } from '../../../../src/plugins/outputs/shared/record-batches.js';
import { ByteWriter } from '../../../../src/plugins/outputs/shared/record-bytes.js';
import { capture, sent, type Sent } from './sdk-capture.js';

const clientConfig = { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 };

const firehose = new FirehoseClient(clientConfig);
const w = new ByteWriter(16);
const all = (n: number) => Array.from({ length: n }, (_, i) => i);
/** The body of these records, all of them in order. */
const batchBody = (stream: string, records: Uint8Array[]) => putRecordBatchBody(stream, RecordDatas.of(records), all(records.length), w);
const kinesis = new KinesisClient(clientConfig);

async function firehoseBySdk(stream: string, records: Uint8Array[]): Promise<Sent> {
  const command = new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: records.map((Data) => ({ Data })) });
  capture(command.middlewareStack);
  return sent(() => firehose.send(command));
}

async function firehoseByUs(stream: string, records: Uint8Array[]): Promise<Sent> {
  const command = new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: [] });
  withRequestBody(command.middlewareStack, batchBody(stream, records));
  capture(command.middlewareStack);
  return sent(() => firehose.send(command));
}

async function kinesisBySdk(stream: string, records: { data: Uint8Array; partitionKey: string }[]): Promise<Sent> {
  const command = new PutRecordsCommand({ StreamName: stream, Records: records.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey })) });
  capture(command.middlewareStack);
  return sent(() => kinesis.send(command));
}

async function kinesisByUs(stream: string, records: { data: Uint8Array; partitionKey: string }[]): Promise<Sent> {
  const command = new PutRecordsCommand({ StreamName: stream, Records: [] });
  withRequestBody(
    command.middlewareStack,
    putRecordsBody(
      stream,
      RecordDatas.of(records.map((r) => r.data)),
      records.map((r) => r.partitionKey),
      all(records.length),
      w,
    ),
  );
  capture(command.middlewareStack);
  return sent(() => kinesis.send(command));
}

/** Headers that must agree (the rest differ per request: date, invocation id, signature). */
function stable(headers: Record<string, string>): Record<string, string | undefined> {
  return { 'content-type': headers['content-type'], 'x-amz-target': headers['x-amz-target'], 'content-length': headers['content-length'] };
}

const bytes = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }).map((s) => Buffer.from(s, 'utf8')));
const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });

describe('PutRecordBatch / PutRecords bodies written without the SDK serializer', () => {
  it('Firehose: byte for byte the body the SDK writes, with the same headers and content length', async () => {
    await fc.assert(
      fc.asyncProperty(name, fc.array(bytes, { maxLength: 8 }), async (stream, records) => {
        const theirs = await firehoseBySdk(stream, records);
        const ours = await firehoseByUs(stream, records);
        expect(ours.body).toBe(theirs.body);
        expect(stable(ours.headers)).toEqual(stable(theirs.headers));
        expect(ours.headers['x-amz-content-sha256']).toBe(theirs.headers['x-amz-content-sha256']);
      }),
      { numRuns: 60 },
    );
  });

  it('Kinesis: byte for byte the body the SDK writes, partition keys included', async () => {
    await fc.assert(
      fc.asyncProperty(name, fc.array(fc.record({ data: bytes, partitionKey: name }), { maxLength: 8 }), async (stream, records) => {
        const theirs = await kinesisBySdk(stream, records);
        const ours = await kinesisByUs(stream, records);
        expect(ours.body).toBe(theirs.body);
        expect(stable(ours.headers)).toEqual(stable(theirs.headers));
      }),
      { numRuns: 60 },
    );
  });

  it('a Uint8Array that is a view into a larger buffer is encoded from its own bytes only', () => {
    const big = Buffer.from('xxhelloxx');
    const view = new Uint8Array(big.buffer, big.byteOffset + 2, 5);
    expect(batchBody('s', [view]).toString()).toBe(`{"DeliveryStreamName":"s","Records":[{"Data":"${Buffer.from('hello').toString('base64')}"}]}`);
  });

  it('writes only the records named, in the order named (a retry sends the failed ones)', () => {
    const datas = RecordDatas.of(['a', 'bb', 'ccc'].map((t) => Buffer.from(t)));
    const data = (t: string) => `{"Data":"${Buffer.from(t).toString('base64')}"}`;
    expect(putRecordBatchBody('s', datas, [2, 0], w).toString()).toBe(`{"DeliveryStreamName":"s","Records":[${data('ccc')},${data('a')}]}`);
  });
});
