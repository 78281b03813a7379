import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  InvalidArgumentException,
  KinesisClient,
  ListStreamsCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { KINESIS_LIMITS, startAwsLocal, type AwsLocal, type AwsLocalOptions } from '../../src/aws-local/index.js';
import { CREDENTIALS, rejection } from './clients.js';

const open: { aws: AwsLocal; kinesis: KinesisClient }[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) {
    l.kinesis.destroy();
    await l.aws.close();
  }
});

async function start(options: AwsLocalOptions = {}) {
  const aws = await startAwsLocal(options);
  const kinesis = new KinesisClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  open.push({ aws, kinesis });
  return { aws, kinesis };
}

const entries = (n: number, data = (i: number) => Buffer.from(`r${i}\n`)) => Array.from({ length: n }, (_, i) => ({ Data: data(i), PartitionKey: `k${i}` }));

describe('aws-local Kinesis Data Streams', () => {
  it('PutRecords and PutRecord store data, partition key, shard and increasing sequence numbers', async () => {
    const { aws, kinesis } = await start();
    const binary = Buffer.from([0, 255, 254, 10]);
    const out = await kinesis.send(new PutRecordsCommand({ StreamName: 'logs', Records: [{ Data: Buffer.from('{"a":1}\n'), PartitionKey: 'p1' }, { Data: binary, PartitionKey: 'p2' }] }));
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records).toHaveLength(2);
    for (const r of out.Records ?? []) {
      expect(r.ShardId).toBe('shardId-000000000000');
      expect(r.SequenceNumber).toMatch(/^\d{56}$/);
    }
    const one = await kinesis.send(new PutRecordCommand({ StreamName: 'logs', Data: Buffer.from('x'), PartitionKey: 'p3' }));
    expect(one.ShardId).toBe('shardId-000000000000');
    const stored = aws.store.kinesisRecords('logs');
    expect(stored.map((r) => [r.data, r.partitionKey])).toEqual([
      [Buffer.from('{"a":1}\n'), 'p1'],
      [binary, 'p2'],
      [Buffer.from('x'), 'p3'],
    ]);
    const seqs = stored.map((r) => BigInt(r.sequenceNumber));
    expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
    expect(stored[2]!.sequenceNumber).toBe(one.SequenceNumber);
    expect(aws.store.kinesisStreams()).toEqual(['logs']);
  });

  it('CreateStream spreads partition keys over its shards by MD5; DescribeStream, DescribeStreamSummary and ListStreams', async () => {
    const { aws, kinesis } = await start();
    await kinesis.send(new CreateStreamCommand({ StreamName: 'four', ShardCount: 4 }));
    expect(await rejection(kinesis.send(new CreateStreamCommand({ StreamName: 'four', ShardCount: 1 })))).toBeInstanceOf(ResourceInUseException);
    await kinesis.send(new PutRecordsCommand({ StreamName: 'four', Records: entries(200) }));
    const shards = new Set(aws.store.kinesisRecords('four').map((r) => r.shardId));
    expect([...shards].sort()).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003']);
    const d = await kinesis.send(new DescribeStreamCommand({ StreamName: 'four' }));
    expect(d.StreamDescription).toMatchObject({ StreamName: 'four', StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/four', StreamStatus: 'ACTIVE', HasMoreShards: false });
    expect(d.StreamDescription?.Shards?.map((s) => s.HashKeyRange?.StartingHashKey)[0]).toBe('0');
    expect(d.StreamDescription?.Shards?.at(-1)?.HashKeyRange?.EndingHashKey).toBe(((1n << 128n) - 1n).toString());
    expect(d.StreamDescription?.StreamCreationTimestamp).toBeInstanceOf(Date);
    const s = await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/four' }));
    expect(s.StreamDescriptionSummary).toMatchObject({ StreamName: 'four', OpenShardCount: 4 });
    await kinesis.send(new PutRecordCommand({ StreamName: 'auto', Data: Buffer.from('x'), PartitionKey: 'k' }));
    const list = await kinesis.send(new ListStreamsCommand({}));
    expect(list.StreamNames).toEqual(['auto', 'four']);
    expect(list.HasMoreStreams).toBe(false);
  });

  it('with createStreams false only declared streams exist (ResourceNotFoundException)', async () => {
    const { aws, kinesis } = await start({ createStreams: false, kinesisStreams: ['known'] });
    const err = await rejection(kinesis.send(new PutRecordsCommand({ StreamName: 'unknown', Records: entries(1) })));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe('Stream unknown under account 000000000000 not found.');
    expect(await rejection(kinesis.send(new DescribeStreamCommand({ StreamName: 'unknown' })))).toBeInstanceOf(ResourceNotFoundException);
    await kinesis.send(new PutRecordsCommand({ StreamName: 'known', Records: entries(2) }));
    expect(aws.store.kinesisStreams()).toEqual(['known']);
    expect(aws.store.kinesisRecords('known')).toHaveLength(2);
  });

  it('rejects requests over the limits as AWS names them and stores nothing', async () => {
    const { aws, kinesis } = await start();
    const L = KINESIS_LIMITS;
    const put = (Records: { Data: Buffer; PartitionKey: string }[]) => kinesis.send(new PutRecordsCommand({ StreamName: 's', Records }));
    const many = await rejection(put(entries(L.maxRecords + 1)));
    expect(many).toBeInstanceOf(ValidationException);
    expect(many.message).toContain('Member must have length less than or equal to 500');
    expect(await rejection(put([]))).toBeInstanceOf(ValidationException);
    const big = await rejection(put([...entries(1), { Data: Buffer.alloc(L.maxRecordBytes + 1, 97), PartitionKey: 'k' }]));
    expect(big).toBeInstanceOf(ValidationException);
    expect(big.message).toContain("at 'records.2.member.data'");
    // Data at 1 MiB is valid alone, but not with its partition key.
    expect(await rejection(put([{ Data: Buffer.alloc(L.maxRecordBytes, 97), PartitionKey: 'k' }]))).toBeInstanceOf(InvalidArgumentException);
    const key = await rejection(put([{ Data: Buffer.from('x'), PartitionKey: 'k'.repeat(257) }]));
    expect(key).toBeInstanceOf(ValidationException);
    const total = await rejection(put(entries(6, () => Buffer.alloc(L.maxRecordBytes - 2, 98))));
    expect([total.name, total.message]).toEqual(['InvalidArgumentException', 'Records size exceeds 5 MB limit']);
    expect(aws.store.kinesisRecords('s')).toEqual([]);
  });

  it('accepts requests exactly at the limits', async () => {
    const { aws, kinesis } = await start();
    const L = KINESIS_LIMITS;
    await kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: entries(L.maxRecords) }));
    // Five records of 1 MiB each with their 1-byte keys: 5 MiB in all.
    await kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(L.maxRecordBytes - 1, 99), PartitionKey: 'k' })) }));
    expect(aws.store.kinesisRecords('s')).toHaveLength(L.maxRecords + 5);
  });

  it('faults: throttle fails the whole call, partial fails single records with ProvisionedThroughputExceededException', async () => {
    const { aws, kinesis } = await start({ seed: 7, faults: { throttle: 1 } });
    const err = await rejection(kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: entries(3) })));
    expect(err).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(aws.store.kinesisRecords('s')).toEqual([]);
    aws.setFaults({ partial: 0.5 });
    const out = await kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: entries(100) }));
    const failed = (out.Records ?? []).filter((r) => r.ErrorCode !== undefined);
    expect(out.FailedRecordCount).toBe(failed.length);
    expect(failed.length).toBeGreaterThan(20);
    expect(failed.length).toBeLessThan(80);
    for (const r of failed) {
      expect(r.ErrorCode).toBe('ProvisionedThroughputExceededException');
      expect(r.ErrorMessage).toMatch(/^Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000\.$/);
    }
    // Exactly the records answered with a sequence number are stored, in order.
    const ok = (out.Records ?? []).flatMap((r, i) => (r.ErrorCode === undefined ? [`r${i}\n`] : []));
    expect(aws.store.kinesisRecords('s').map((r) => r.data.toString())).toEqual(ok);
    aws.setFaults({ serverError: 1 });
    const five = await rejection(kinesis.send(new PutRecordsCommand({ StreamName: 's', Records: entries(1) })));
    expect(five.$metadata?.httpStatusCode).toBeGreaterThanOrEqual(500);
  });

  it('keeps streams and records in the data dir across restarts; `logferry aws-local kinesis` reads them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-kinesis-'));
    try {
      const first = await start({ dataDir: dir });
      await first.kinesis.send(new CreateStreamCommand({ StreamName: 'two', ShardCount: 2 }));
      await first.kinesis.send(new PutRecordsCommand({ StreamName: 'two', Records: [{ Data: Buffer.from('{"a":1}\n'), PartitionKey: 'p' }, { Data: Buffer.from([255, 1]), PartitionKey: 'q' }] }));
      const before = first.aws.store.kinesisRecords('two');
      const lines = readFileSync(join(dir, 'kinesis', 'two.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toMatchObject({ data: '{"a":1}\n', encoding: 'utf8', partitionKey: 'p' });
      expect(lines[1]).toMatchObject({ data: '/wE=', encoding: 'base64', partitionKey: 'q' });
      const second = await start({ dataDir: dir });
      expect(second.aws.store.kinesisRecords('two')).toEqual(before);
      const summary = await second.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'two' }));
      expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(2);
      await second.kinesis.send(new PutRecordCommand({ StreamName: 'two', Data: Buffer.from('z'), PartitionKey: 'p' }));
      const after = second.aws.store.kinesisRecords('two');
      expect(BigInt(after[2]!.sequenceNumber) > BigInt(after[1]!.sequenceNumber)).toBe(true);
      const { awsLocalCommand } = await import('../../src/cli/aws-local.js');
      let out = '';
      const code = await awsLocalCommand(['kinesis', 'two', '--data-dir', dir], { stdout: (t: string) => (out += t), stderr: () => undefined, env: {}, cwd: dir });
      expect(code).toBe(0);
      expect(out).toBe('{"a":1}\nbase64:/wE=\nz\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
