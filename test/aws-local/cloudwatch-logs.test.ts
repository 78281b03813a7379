import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  type CloudWatchLogsClient,
  type InputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { PUT_LOG_EVENTS_LIMITS, RETENTION_DAYS } from '../../src/aws-local/index.js';
import { rejection, useAwsLocal } from './clients.js';

const HOUR = 3_600_000;

async function setUp(logs: CloudWatchLogsClient, group = 'g', streams = ['s']): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
}

function putEvents(logs: CloudWatchLogsClient, logEvents: InputLogEvent[], logStreamName = 's', logGroupName = 'g') {
  return logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }));
}

function events(n: number, at = Date.now(), message = (i: number) => `m${i}`): InputLogEvent[] {
  return Array.from({ length: n }, (_, i) => ({ timestamp: at + i, message: message(i) }));
}

describe('aws-local CloudWatch Logs', () => {
  const start = useAwsLocal();

  it('creates groups and streams, with ResourceAlreadyExists / ResourceNotFound as AWS names them', async () => {
    const { logs, aws } = await start();
    await logs.send(new CreateLogGroupCommand({ logGroupName: 'app/one', logGroupClass: 'INFREQUENT_ACCESS' }));
    expect((await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'app/one' })))).name).toBe('ResourceAlreadyExistsException');
    expect((await rejection(logs.send(new CreateLogStreamCommand({ logGroupName: 'nope', logStreamName: 's' })))).name).toBe('ResourceNotFoundException');
    await logs.send(new CreateLogStreamCommand({ logGroupName: 'app/one', logStreamName: 'pod/a' }));
    const dup = await rejection(logs.send(new CreateLogStreamCommand({ logGroupName: 'app/one', logStreamName: 'pod/a' })));
    expect(dup.name).toBe('ResourceAlreadyExistsException');
    expect(dup.$metadata?.httpStatusCode).toBe(400);
    expect((await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })))).name).toBe('ValidationException');
    expect(aws.store.logGroups()).toEqual([{ name: 'app/one', logGroupClass: 'INFREQUENT_ACCESS', creationTime: expect.any(Number) }]);
    expect(aws.store.logStreams('app/one')).toEqual(['pod/a']);
    expect(aws.store.requests('CreateLogGroup')).toBe(3);
    expect(aws.store.requests()).toBe(6);
    expect(aws.store.accessKeyIds()).toEqual(['AKIDLOCAL']);
  });

  it('DescribeLogGroups filters by logGroupNamePrefix and pages with nextToken', async () => {
    const { logs } = await start();
    for (const name of ['b/2', 'a/1', 'b/1', 'c']) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'b/1', retentionInDays: 7 }));
    const b = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'b/' }));
    expect(b.logGroups?.map((g) => [g.logGroupName, g.retentionInDays])).toEqual([
      ['b/1', 7],
      ['b/2', undefined],
    ]);
    expect(b.logGroups?.[0]?.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:b/1:*');
    const first = await logs.send(new DescribeLogGroupsCommand({ limit: 3 }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['a/1', 'b/1', 'b/2']);
    const rest = await logs.send(new DescribeLogGroupsCommand({ limit: 3, nextToken: first.nextToken }));
    expect(rest.logGroups?.map((g) => g.logGroupName)).toEqual(['c']);
    expect(rest.nextToken).toBeUndefined();
  });

  it('DescribeLogStreams filters by logStreamNamePrefix, orders by LastEventTime and reports event times', async () => {
    const { logs } = await start();
    await setUp(logs, 'g', ['web-2', 'web-1', 'db']);
    const t = Date.now();
    await putEvents(logs, events(2, t + 10), 'web-1');
    await putEvents(logs, events(1, t), 'db');
    const web = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'g', logStreamNamePrefix: 'web' }));
    expect(web.logStreams?.map((s) => s.logStreamName)).toEqual(['web-1', 'web-2']);
    expect(web.logStreams?.[0]).toMatchObject({ firstEventTimestamp: t + 10, lastEventTimestamp: t + 11, lastIngestionTime: expect.any(Number) });
    const byTime = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'g', orderBy: 'LastEventTime', descending: true }));
    expect(byTime.logStreams?.map((s) => s.logStreamName)).toEqual(['web-1', 'db', 'web-2']);
    const paged = await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'g', limit: 2 }));
    expect(paged.logStreams?.map((s) => s.logStreamName)).toEqual(['db', 'web-1']);
    expect((await logs.send(new DescribeLogStreamsCommand({ logGroupName: 'g', nextToken: paged.nextToken }))).logStreams?.map((s) => s.logStreamName)).toEqual(['web-2']);
    expect((await rejection(logs.send(new DescribeLogStreamsCommand({ logGroupName: 'nope' })))).name).toBe('ResourceNotFoundException');
  });

  it('PutRetentionPolicy accepts only the retention periods AWS allows', async () => {
    const { logs, aws } = await start();
    await setUp(logs);
    for (const days of RETENTION_DAYS) await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: days }));
    expect(aws.store.logGroups()[0]?.retentionInDays).toBe(3653);
    for (const days of [0, 2, 4000]) {
      expect((await rejection(logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: days })))).name).toBe('InvalidParameterException');
    }
    expect((await rejection(logs.send(new PutRetentionPolicyCommand({ logGroupName: 'nope', retentionInDays: 1 })))).name).toBe('ResourceNotFoundException');
    expect(aws.store.logGroups()[0]?.retentionInDays).toBe(3653);
  });

  it('PutLogEvents stores the events in order with their ingestionTime', async () => {
    const { logs, aws } = await start();
    await setUp(logs);
    const before = Date.now();
    const t = before - HOUR;
    const reply = await putEvents(logs, [...events(3, t), { timestamp: t + 5, message: 'ünïcødé ✓' }]);
    expect(reply.rejectedLogEventsInfo).toBeUndefined();
    const stored = aws.store.logEvents('g', 's');
    expect(stored.map((e) => [e.timestamp, e.message])).toEqual([
      [t, 'm0'],
      [t + 1, 'm1'],
      [t + 2, 'm2'],
      [t + 5, 'ünïcødé ✓'],
    ]);
    for (const e of stored) expect(e.ingestionTime).toBeGreaterThanOrEqual(before);
  });

  it('PutLogEvents rejects batches that break the limits with InvalidParameterException and stores nothing', async () => {
    const { logs, aws } = await start();
    await setUp(logs);
    const L = PUT_LOG_EVENTS_LIMITS;
    const now = Date.now();
    const cases: [string, InputLogEvent[], RegExp][] = [
      ['empty batch', [], /length greater than or equal to 1/],
      ['10,001 events', events(L.maxEvents + 1, now - HOUR), /less than or equal to 10000/],
      ['event over 256 KiB', [{ timestamp: now, message: 'x'.repeat(L.maxEventBytes - L.eventOverheadBytes + 1) }], /Log event too large: 262145 bytes exceeds limit of 262144/],
      // 6 events of 100,000 two-byte characters: 6 * (200,000 + 26) bytes
      ['batch over 1 MiB', events(6, now, () => 'é'.repeat(100_000)), /Upload too large: 1200156 bytes exceeds limit of 1048576/],
      ['not chronological', [{ timestamp: now, message: 'b' }, { timestamp: now - 1, message: 'a' }], /chronological order/],
      ['spanning more than 24 h', [{ timestamp: now - L.maxSpanMs - 1, message: 'a' }, { timestamp: now, message: 'b' }], /cannot span more than 24 hours/],
    ];
    for (const [what, batch, message] of cases) {
      const err = await rejection(putEvents(logs, batch));
      expect(err.name, what).toBe('InvalidParameterException');
      expect(err.message, what).toMatch(message);
    }
    expect((await rejection(putEvents(logs, events(1), 'nope'))).name).toBe('ResourceNotFoundException');
    expect((await rejection(putEvents(logs, events(1), 's', 'nope'))).name).toBe('ResourceNotFoundException');
    expect(aws.store.logEvents('g', 's')).toEqual([]);
  });

  it('PutLogEvents accepts batches exactly at the limits', async () => {
    const { logs, aws } = await start();
    await setUp(logs);
    const L = PUT_LOG_EVENTS_LIMITS;
    const now = Date.now();
    const put = (logEvents: InputLogEvent[]) => putEvents(logs, logEvents);
    await put(events(L.maxEvents, now - HOUR));
    await put([{ timestamp: now, message: 'x'.repeat(L.maxEventBytes - L.eventOverheadBytes) }]);
    // 4 events of the largest size: exactly 1,048,576 bytes
    await put(events(4, now, () => 'y'.repeat(L.maxEventBytes - L.eventOverheadBytes)));
    await put([{ timestamp: now - L.maxSpanMs, message: 'a' }, { timestamp: now, message: 'b' }]);
    expect(aws.store.logEvents('g', 's')).toHaveLength(L.maxEvents + 1 + 4 + 2);
  });

  it('PutLogEvents reports too old, expired and too new events in rejectedLogEventsInfo and stores only the rest', async () => {
    const { logs, aws } = await start();
    await setUp(logs);
    const now = Date.now();
    const day = 24 * HOUR;
    const batch = [
      { timestamp: now - 14 * day - HOUR, message: 'too old' },
      { timestamp: now - 14 * day - HOUR + 1, message: 'too old too' },
      { timestamp: now - 14 * day + HOUR, message: 'kept' },
      { timestamp: now - 14 * day + HOUR + 1, message: 'kept too' },
    ];
    const old = await putEvents(logs, batch);
    expect(old.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 2 });
    const future = await putEvents(logs, [{ timestamp: now, message: 'now' }, { timestamp: now + 3 * HOUR, message: 'too new' }]);
    expect(future.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 1 }));
    const expired = await putEvents(logs, [{ timestamp: now - day - HOUR, message: 'expired' }, { timestamp: now - day + HOUR, message: 'fresh' }]);
    expect(expired.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 1 });
    expect(aws.store.logEvents('g', 's').map((e) => e.message)).toEqual(['kept', 'kept too', 'now', 'fresh']);
  });

  it('GetLogEvents reads from the head or the tail, with limit, time range and forward/backward tokens', async () => {
    const { logs } = await start();
    await setUp(logs);
    const t = Date.now() - HOUR;
    await putEvents(logs, events(5, t));
    const get = (extra: object) => logs.send(new GetLogEventsCommand({ logGroupName: 'g', logStreamName: 's', ...extra }));
    const head = await get({ startFromHead: true, limit: 2 });
    expect(head.events?.map((e) => e.message)).toEqual(['m0', 'm1']);
    const next = await get({ nextToken: head.nextForwardToken, limit: 2 });
    expect(next.events?.map((e) => e.message)).toEqual(['m2', 'm3']);
    const last = await get({ nextToken: next.nextForwardToken, limit: 2 });
    expect(last.events?.map((e) => e.message)).toEqual(['m4']);
    const end = await get({ nextToken: last.nextForwardToken, limit: 2 });
    expect(end.events).toEqual([]);
    expect(end.nextForwardToken).toBe(last.nextForwardToken);
    const tail = await get({ limit: 2 });
    expect(tail.events?.map((e) => e.message)).toEqual(['m3', 'm4']);
    expect((await get({ nextToken: tail.nextBackwardToken, limit: 2 })).events?.map((e) => e.message)).toEqual(['m1', 'm2']);
    expect((await get({ startTime: t + 1, endTime: t + 3 })).events?.map((e) => e.message)).toEqual(['m1', 'm2']);
    expect((await get({})).events?.[0]).toEqual({ timestamp: t, message: 'm0', ingestionTime: expect.any(Number) });
    expect((await rejection(get({ nextToken: 'garbage' }))).name).toBe('InvalidParameterException');
    expect((await rejection(logs.send(new GetLogEventsCommand({ logGroupName: 'g', logStreamName: 'nope' })))).name).toBe('ResourceNotFoundException');
  });

  it('FilterLogEvents selects by logStreamNames, time range and term filter patterns across streams', async () => {
    const { logs } = await start();
    await setUp(logs, 'g', ['a', 'b', 'c']);
    const t = Date.now() - HOUR;
    const put = (stream: string, messages: string[], at: number) =>
      putEvents(logs, messages.map((m, i) => ({ timestamp: at + i * 10, message: m })), stream);
    await put('a', ['ERROR disk full', 'INFO ok', 'ERROR net down'], t);
    await put('b', ['ERROR disk slow', 'WARN "quoted"'], t + 5);
    await put('c', ['ERROR elsewhere'], t);
    const filter = async (extra: object) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: 'g', ...extra }))).events?.map((e) => `${e.logStreamName}:${e.message}`);
    expect(await filter({ logStreamNames: ['a', 'b'], filterPattern: 'ERROR' })).toEqual(['a:ERROR disk full', 'b:ERROR disk slow', 'a:ERROR net down']);
    expect(await filter({ filterPattern: 'ERROR disk' })).toEqual(['a:ERROR disk full', 'b:ERROR disk slow']);
    expect(await filter({ filterPattern: '"disk full"' })).toEqual(['a:ERROR disk full']);
    expect(await filter({ filterPattern: '?WARN ?INFO' })).toEqual(['a:INFO ok', 'b:WARN "quoted"']);
    expect(await filter({ filterPattern: 'ERROR -disk', logStreamNames: ['a'] })).toEqual(['a:ERROR net down']);
    expect(await filter({ startTime: t + 5, endTime: t + 10 })).toEqual(['b:ERROR disk slow', 'a:INFO ok']);
    const page1 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'g', limit: 4 }));
    expect(page1.events).toHaveLength(4);
    expect(page1.searchedLogStreams?.map((s) => s.logStreamName)).toEqual(['a', 'b', 'c']);
    const page2 = await logs.send(new FilterLogEventsCommand({ logGroupName: 'g', limit: 4, nextToken: page1.nextToken }));
    expect(page2.events).toHaveLength(2);
    expect(page2.nextToken).toBeUndefined();
    expect((await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: 'g', filterPattern: '{ $.level = "x" }' })))).name).toBe('InvalidParameterException');
  });
});
