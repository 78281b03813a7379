import { CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../support/temp-dir.js';
import { useAwsLocal } from './clients.js';

describe('aws-local data dir', () => {
  const start = useAwsLocal();
  const tmp = useTempDir('aws-local-');

  it('keeps groups, streams, events and records as JSON lines and reads them back after a restart', async () => {
    const first = await start({ dataDir: tmp.path });
    const t = Date.now() - 60_000;
    await first.logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/app#1' }));
    await first.logs.send(new PutRetentionPolicyCommand({ logGroupName: '/aws/app#1', retentionInDays: 30 }));
    await first.logs.send(new CreateLogStreamCommand({ logGroupName: '/aws/app#1', logStreamName: 'pod/a b' }));
    await first.logs.send(new CreateLogStreamCommand({ logGroupName: '/aws/app#1', logStreamName: 'empty' }));
    await first.logs.send(new PutLogEventsCommand({ logGroupName: '/aws/app#1', logStreamName: 'pod/a b', logEvents: [{ timestamp: t, message: 'one' }, { timestamp: t + 1, message: 'twö\n"quoted"' }] }));
    const binary = Buffer.from([0xff, 0x00, 0x41]);
    await first.firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'fh.1', Records: [{ Data: Buffer.from('{"a":1}\n') }, { Data: binary }] }));
    const groups = first.aws.store.logGroups();
    const events = first.aws.store.logEvents('/aws/app#1', 'pod/a b');
    await first.aws.close();

    const lines = readFileSync(join(tmp.path, 'cloudwatch', '%2Faws%2Fapp%231', 'pod%2Fa%20b.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(events);
    expect(Object.keys(lines[0]!)).toEqual(['timestamp', 'message', 'ingestionTime']);
    const records = readFileSync(join(tmp.path, 'firehose', 'fh.1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.data, r.encoding])).toEqual([
      ['{"a":1}\n', 'utf8'],
      [binary.toString('base64'), 'base64'],
    ]);

    const second = await start({ dataDir: tmp.path });
    expect(second.aws.store.logGroups()).toEqual(groups);
    expect(second.aws.store.logGroups()[0]?.retentionInDays).toBe(30);
    expect(second.aws.store.logStreams('/aws/app#1')).toEqual(['empty', 'pod/a b']);
    expect(second.aws.store.logEvents('/aws/app#1', 'pod/a b')).toEqual(events);
    expect(second.aws.store.firehoseRecords('fh.1')).toEqual([Buffer.from('{"a":1}\n'), binary]);
    const got = await second.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/app#1', logStreamName: 'pod/a b', startFromHead: true }));
    expect(got.events?.map((e) => e.message)).toEqual(['one', 'twö\n"quoted"']);
    // appends go on after the loaded ones; a torn last line (a crash mid-write) is skipped
    appendFileSync(join(tmp.path, 'firehose', 'fh.1.jsonl'), '{"data":"tor');
    await second.logs.send(new PutLogEventsCommand({ logGroupName: '/aws/app#1', logStreamName: 'pod/a b', logEvents: [{ timestamp: t + 2, message: 'three' }] }));
    await second.aws.close();
    const third = await start({ dataDir: tmp.path });
    expect(third.aws.store.logEvents('/aws/app#1', 'pod/a b').map((e) => e.message)).toEqual(['one', 'twö\n"quoted"', 'three']);
    expect(third.aws.store.firehoseRecords('fh.1')).toHaveLength(2);
  });

  it('declared delivery streams exist in the data dir before any record', async () => {
    const first = await start({ dataDir: tmp.path, deliveryStreams: ['a', 'b'], createStreams: false });
    await first.aws.close();
    const second = await start({ dataDir: tmp.path, createStreams: false });
    expect(second.aws.store.deliveryStreams()).toEqual(['a', 'b']);
  });
});
