/** Amazon Kinesis Data Streams (`Kinesis_20131202.*`) operations of the local AWS endpoint. */
import { createHash } from 'node:crypto';
import { ACCOUNT_ID, AwsServiceError, intMember, listMember, stringMember, structure, validationError, type Input } from './protocol.js';
import type { ServiceContext } from './service.js';
import type { KinesisRecord, KinesisStreamState } from './types.js';

/** The limits PutRecord and PutRecords enforce, as AWS documents them (default maximum record size). */
export const KINESIS_LIMITS = {
  maxRecords: 500,
  /** One record: its data (before base64) plus its partition key. */
  maxRecordBytes: 1024 * 1024,
  /** One PutRecords call: every record's data plus partition key. */
  maxBatchBytes: 5 * 1024 * 1024,
  maxPartitionKeyLength: 256,
} as const;

const STREAM_NAME = { min: 1, max: 128, pattern: /^[a-zA-Z0-9_.-]+$/ } as const;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/([a-zA-Z0-9_.-]+)$/;
const HASH_KEY = /^(0|[1-9]\d{0,38})$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const HASH_SPACE = 1n << 128n;

export function kinesisStreamArn(region: string, name: string): string {
  return `arn:aws:kinesis:${region}:${ACCOUNT_ID}:stream/${name}`;
}

const shardId = (i: number) => `shardId-${String(i).padStart(12, '0')}`;

/** Declares a stream (no-op when it exists); used by the options, CreateStream and auto-creation. */
export function declareKinesisStream(ctx: Pick<ServiceContext, 'state' | 'writer' | 'now'>, name: string, shardCount = 1): KinesisStreamState {
  let stream = ctx.state.kinesisStreams.get(name);
  if (!stream) {
    stream = { name, createTime: ctx.now(), shardCount, records: [], nextSequence: 0n };
    ctx.writer?.createKinesisStream(stream, ctx.state.kinesisStreams.values());
    ctx.state.kinesisStreams.set(name, stream);
  }
  return stream;
}

function notFound(name: string): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', `Stream ${name} under account ${ACCOUNT_ID} not found.`);
}

/** The stream named by StreamName or StreamARN (exactly one of them). */
function streamName(input: Input): string {
  const name = stringMember(input, 'StreamName', STREAM_NAME);
  const arn = stringMember(input, 'StreamARN', { min: 1, max: 2048 });
  if (name !== undefined && arn !== undefined) throw new AwsServiceError('InvalidArgumentException', 'StreamARN and StreamName cannot be provided together.');
  if (arn !== undefined) {
    const m = STREAM_ARN.exec(arn);
    if (!m) throw validationError('streamARN', arn, `Member must satisfy regular expression pattern: ${STREAM_ARN.source}`);
    return m[1]!;
  }
  if (name === undefined) throw new AwsServiceError('InvalidArgumentException', 'Either StreamName or StreamARN should be provided.');
  return name;
}

/** The named stream; unknown ones are created (one shard) when `createStreams` is on, else ResourceNotFoundException. */
function streamOf(input: Input, ctx: ServiceContext): KinesisStreamState {
  const name = streamName(input);
  const stream = ctx.state.kinesisStreams.get(name);
  if (stream) return stream;
  if (!ctx.createStreams) throw notFound(name);
  return declareKinesisStream(ctx, name);
}

/** The shard a record goes to: the MD5 of its partition key (or its explicit hash key) as a 128-bit number. */
function shardOf(stream: KinesisStreamState, partitionKey: string, explicitHashKey: string | undefined): number {
  const hash = explicitHashKey !== undefined ? BigInt(explicitHashKey) : BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
  const shard = Number((hash * BigInt(stream.shardCount)) / HASH_SPACE);
  return Math.min(shard, stream.shardCount - 1);
}

interface Entry {
  data: Buffer;
  partitionKey: string;
  explicitHashKey: string | undefined;
}

/** One PutRecordsRequestEntry (or PutRecord's input), checked against the model's constraints. */
function entryOf(value: unknown, member: string): Entry {
  const e = structure(value, member.replace(/^\./, '') || 'input');
  const at = (m: string) => (member === '' ? m : `${member}.${m}`);
  const raw = e.Data;
  if (raw === undefined || raw === null) throw validationError(at('data'), raw, 'Member must not be null');
  if (typeof raw !== 'string' || !BASE64.test(raw)) throw new AwsServiceError('SerializationException', `${at('data')}: expected base64 text`);
  const data = Buffer.from(raw, 'base64');
  if (data.length > KINESIS_LIMITS.maxRecordBytes) {
    throw validationError(at('data'), `java.nio.HeapByteBuffer[pos=0 lim=${data.length} cap=${data.length}]`, `Member must have length less than or equal to ${KINESIS_LIMITS.maxRecordBytes}`);
  }
  const partitionKey = stringMember(e, 'PartitionKey', { required: true, min: 1, max: KINESIS_LIMITS.maxPartitionKeyLength });
  const explicitHashKey = stringMember(e, 'ExplicitHashKey', { pattern: HASH_KEY });
  if (explicitHashKey !== undefined && BigInt(explicitHashKey) >= HASH_SPACE) {
    throw new AwsServiceError('InvalidArgumentException', `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`);
  }
  return { data, partitionKey, explicitHashKey };
}

/** The bytes a record counts towards the limits: its data and its partition key (UTF-8). */
const entrySize = (e: Entry) => e.data.length + Buffer.byteLength(e.partitionKey, 'utf8');

function newRecord(stream: KinesisStreamState, e: Entry, now: number): KinesisRecord {
  const sequenceNumber = (BigInt(stream.createTime) * 10n ** 30n + stream.nextSequence).toString().padStart(56, '0');
  stream.nextSequence++;
  return { data: e.data, partitionKey: e.partitionKey, sequenceNumber, shardId: shardId(shardOf(stream, e.partitionKey, e.explicitHashKey)), arrivalTime: now };
}

function store(ctx: ServiceContext, stream: KinesisStreamState, records: readonly KinesisRecord[]): void {
  ctx.writer?.appendKinesisRecords(stream.name, records);
  for (const r of records) stream.records.push(r);
}

function tooLarge(e: Entry): AwsServiceError {
  return new AwsServiceError('InvalidArgumentException', `Record size exceeds 1 MB limit: data and partition key are ${entrySize(e)} bytes`);
}

function putRecord(input: Input, ctx: ServiceContext): object {
  const e = entryOf(input, '');
  if (entrySize(e) > KINESIS_LIMITS.maxRecordBytes) throw tooLarge(e);
  const stream = streamOf(input, ctx);
  const record = newRecord(stream, e, ctx.now());
  store(ctx, stream, [record]);
  return { ShardId: record.shardId, SequenceNumber: record.sequenceNumber, EncryptionType: 'NONE' };
}

function putRecords(input: Input, ctx: ServiceContext): object {
  const L = KINESIS_LIMITS;
  const list = listMember(input, 'Records', true)!;
  if (list.length === 0) throw validationError('records', [], 'Member must have length greater than or equal to 1');
  if (list.length > L.maxRecords) throw validationError('records', `[${list.length} records]`, `Member must have length less than or equal to ${L.maxRecords}`);
  const entries = list.map((item, i) => entryOf(item, `records.${i + 1}.member`));
  const over = entries.find((e) => entrySize(e) > L.maxRecordBytes);
  if (over) throw tooLarge(over);
  if (entries.reduce((n, e) => n + entrySize(e), 0) > L.maxBatchBytes) throw new AwsServiceError('InvalidArgumentException', 'Records size exceeds 5 MB limit');
  const stream = streamOf(input, ctx);
  const failed = ctx.faults.partialFailures(entries.length);
  const now = ctx.now();
  const results: object[] = [];
  const stored: KinesisRecord[] = [];
  entries.forEach((e, i) => {
    if (failed[i]) {
      results.push({
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: `Rate exceeded for shard ${shardId(shardOf(stream, e.partitionKey, e.explicitHashKey))} in stream ${stream.name} under account ${ACCOUNT_ID}.`,
      });
    } else {
      const record = newRecord(stream, e, now);
      stored.push(record);
      results.push({ SequenceNumber: record.sequenceNumber, ShardId: record.shardId });
    }
  });
  store(ctx, stream, stored);
  return { FailedRecordCount: entries.length - stored.length, Records: results, EncryptionType: 'NONE' };
}

function summaryOf(ctx: ServiceContext, stream: KinesisStreamState) {
  return {
    StreamName: stream.name,
    StreamARN: kinesisStreamArn(ctx.region, stream.name),
    StreamStatus: 'ACTIVE',
    StreamModeDetails: { StreamMode: 'PROVISIONED' },
    RetentionPeriodHours: 24,
    StreamCreationTimestamp: stream.createTime / 1000,
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: 'NONE',
  };
}

function describeStream(input: Input, ctx: ServiceContext): object {
  const stream = streamOf(input, ctx);
  const limit = intMember(input, 'Limit', 1, 10_000) ?? 100;
  const after = stringMember(input, 'ExclusiveStartShardId', { min: 1, max: 128 });
  const per = HASH_SPACE / BigInt(stream.shardCount);
  const shards = Array.from({ length: stream.shardCount }, (_, i) => ({
    ShardId: shardId(i),
    HashKeyRange: {
      StartingHashKey: (per * BigInt(i)).toString(),
      EndingHashKey: (i === stream.shardCount - 1 ? HASH_SPACE - 1n : per * BigInt(i + 1) - 1n).toString(),
    },
    SequenceNumberRange: { StartingSequenceNumber: (BigInt(stream.createTime) * 10n ** 30n).toString().padStart(56, '0') },
  })).filter((s) => after === undefined || s.ShardId > after);
  return { StreamDescription: { ...summaryOf(ctx, stream), Shards: shards.slice(0, limit), HasMoreShards: shards.length > limit } };
}

function describeStreamSummary(input: Input, ctx: ServiceContext): object {
  const stream = streamOf(input, ctx);
  return { StreamDescriptionSummary: { ...summaryOf(ctx, stream), OpenShardCount: stream.shardCount, ConsumerCount: 0 } };
}

function createStream(input: Input, ctx: ServiceContext): object {
  const name = stringMember(input, 'StreamName', { required: true, ...STREAM_NAME });
  const mode = input.StreamModeDetails === undefined || input.StreamModeDetails === null ? undefined : stringMember(structure(input.StreamModeDetails, 'streamModeDetails'), 'StreamMode');
  const shardCount = intMember(input, 'ShardCount', 1, 10_000) ?? (mode === 'ON_DEMAND' ? 4 : undefined);
  if (shardCount === undefined) throw new AwsServiceError('InvalidArgumentException', 'ShardCount is required for a stream in PROVISIONED mode.');
  if (ctx.state.kinesisStreams.has(name)) throw new AwsServiceError('ResourceInUseException', `Stream ${name} under account ${ACCOUNT_ID} already exists.`);
  declareKinesisStream(ctx, name, shardCount);
  return {};
}

function listStreams(input: Input, ctx: ServiceContext): object {
  const limit = intMember(input, 'Limit', 1, 10_000) ?? 100;
  const after = stringMember(input, 'ExclusiveStartStreamName', STREAM_NAME);
  const names = [...ctx.state.kinesisStreams.keys()].sort().filter((n) => after === undefined || n > after);
  const page = names.slice(0, limit);
  return {
    StreamNames: page,
    HasMoreStreams: names.length > limit,
    StreamSummaries: page.map((n) => {
      const s = ctx.state.kinesisStreams.get(n)!;
      return { StreamName: n, StreamARN: kinesisStreamArn(ctx.region, n), StreamStatus: 'ACTIVE', StreamModeDetails: { StreamMode: 'PROVISIONED' }, StreamCreationTimestamp: s.createTime / 1000 };
    }),
  };
}

export const KINESIS_OPERATIONS = {
  PutRecord: putRecord,
  PutRecords: putRecords,
  DescribeStream: describeStream,
  DescribeStreamSummary: describeStreamSummary,
  CreateStream: createStream,
  ListStreams: listStreams,
} as const;
