import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
} from '@aws-sdk/client-firehose';
import { describe, expect, it } from 'vitest';
import { FIREHOSE_LIMITS } from '../../src/aws-local/index.js';
import { rejection, useAwsLocal } from './clients.js';

const records = (n: number, data = (i: number) => Buffer.from(`r${i}\n`)) => Array.from({ length: n }, (_, i) => ({ Data: data(i) }));

describe('aws-local Firehose', () => {
  const start = useAwsLocal();

  it('PutRecord and PutRecordBatch store the decoded bytes and answer a RecordId per record', async () => {
    const { firehose, aws } = await start();
    const one = await firehose.send(new PutRecordCommand({ DeliveryStreamName: 'logs', Record: { Data: Buffer.from('{"a":1}\n') } }));
    expect(one.RecordId).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    const binary = Buffer.from([0, 255, 254, 10]);
    const batch = await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'logs', Records: [{ Data: Buffer.from('ünï\n') }, { Data: binary }] }));
    expect(batch.FailedPutCount).toBe(0);
    expect(batch.RequestResponses).toHaveLength(2);
    const ids = [one.RecordId, ...(batch.RequestResponses ?? []).map((r) => r.RecordId)];
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/=]{64}$/);
    expect(new Set(ids).size).toBe(3);
    expect(aws.store.deliveryStreams()).toEqual(['logs']);
    expect(aws.store.firehoseRecords('logs')).toEqual([Buffer.from('{"a":1}\n'), Buffer.from('ünï\n'), binary]);
    expect(aws.store.requests('PutRecordBatch')).toBe(1);
  });

  it('DescribeDeliveryStream, CreateDeliveryStream and ListDeliveryStreams', async () => {
    const { firehose } = await start();
    await firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: 'b' }));
    expect((await rejection(firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: 'b' })))).name).toBe('ResourceInUseException');
    await firehose.send(new PutRecordCommand({ DeliveryStreamName: 'a', Record: { Data: Buffer.from('x') } }));
    const d = await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'a' }));
    expect(d.DeliveryStreamDescription).toMatchObject({
      DeliveryStreamName: 'a',
      DeliveryStreamARN: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/a',
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamType: 'DirectPut',
    });
    expect(d.DeliveryStreamDescription?.CreateTimestamp).toBeInstanceOf(Date);
    expect((await firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual(['a', 'b']);
  });

  it('with createStreams false only declared delivery streams exist (ResourceNotFoundException)', async () => {
    const { firehose, aws } = await start({ createStreams: false, deliveryStreams: ['known'] });
    const err = await rejection(firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'unknown', Records: records(1) })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.message).toBe('Firehose unknown not found under account 000000000000.');
    expect((await rejection(firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'unknown' })))).name).toBe('ResourceNotFoundException');
    await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'known', Records: records(2) }));
    expect(aws.store.deliveryStreams()).toEqual(['known']);
    expect(aws.store.firehoseRecords('known')).toHaveLength(2);
  });

  it('rejects batches over the limits as AWS names them and stores nothing', async () => {
    const { firehose, aws } = await start();
    const L = FIREHOSE_LIMITS;
    const put = (Records: { Data: Buffer }[]) => firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 's', Records }));
    const many = await rejection(put(records(L.maxRecords + 1)));
    expect([many.name, many.message]).toEqual(['ValidationException', expect.stringContaining('Member must have length less than or equal to 500')]);
    const big = await rejection(put([...records(1), { Data: Buffer.alloc(L.maxRecordBytes + 1, 97) }]));
    expect(big.name).toBe('ValidationException');
    expect(big.message).toContain("at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1024000");
    const single = await rejection(firehose.send(new PutRecordCommand({ DeliveryStreamName: 's', Record: { Data: Buffer.alloc(L.maxRecordBytes + 1) } })));
    expect(single.name).toBe('ValidationException');
    const total = await rejection(put([...records(4, () => Buffer.alloc(L.maxRecordBytes, 98)), { Data: Buffer.alloc(L.maxBatchBytes - 4 * L.maxRecordBytes + 1) }]));
    expect([total.name, total.message]).toEqual(['InvalidArgumentException', 'Records size exceeds 4 MB limit']);
    expect((await rejection(put([]))).name).toBe('ValidationException');
    expect(aws.store.firehoseRecords('s')).toEqual([]);
  });

  it('accepts batches exactly at the limits', async () => {
    const { firehose, aws } = await start();
    const L = FIREHOSE_LIMITS;
    const put = (Records: { Data: Buffer }[]) => firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 's', Records }));
    await put(records(L.maxRecords));
    await put([...records(4, () => Buffer.alloc(L.maxRecordBytes, 98)), { Data: Buffer.alloc(L.maxBatchBytes - 4 * L.maxRecordBytes) }]);
    expect(aws.store.firehoseRecords('s')).toHaveLength(L.maxRecords + 5);
  });
});
