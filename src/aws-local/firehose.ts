/** Amazon Data Firehose (`Firehose_20150804.*`) operations of the local AWS endpoint. */
import { randomBytes } from 'node:crypto';
import { ACCOUNT_ID, AwsServiceError, intMember, listMember, stringMember, structure, validationError, type Input } from './protocol.js';
import type { ServiceContext } from './service.js';
import type { DeliveryStreamState, FirehoseRecord } from './types.js';

/** The limits PutRecord and PutRecordBatch enforce, as AWS documents them. */
export const FIREHOSE_LIMITS = {
  maxRecords: 500,
  /** One record's data, before base64. */
  maxRecordBytes: 1_024_000,
  /** All records' data of one PutRecordBatch, before base64. */
  maxBatchBytes: 4 * 1024 * 1024,
} as const;

const STREAM_NAME = { required: true, min: 1, max: 64, pattern: /^[a-zA-Z0-9_.-]+$/ } as const;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function streamArn(ctx: ServiceContext, name: string): string {
  return `arn:aws:firehose:${ctx.region}:${ACCOUNT_ID}:deliverystream/${name}`;
}

/** Declares a delivery stream (no-op when it exists); used by the options and CreateDeliveryStream. */
export function declareDeliveryStream(ctx: Pick<ServiceContext, 'state' | 'writer' | 'now'>, name: string): DeliveryStreamState {
  let stream = ctx.state.deliveryStreams.get(name);
  if (!stream) {
    stream = { name, createTime: ctx.now(), records: [] };
    ctx.writer?.createDeliveryStream(stream);
    ctx.state.deliveryStreams.set(name, stream);
  }
  return stream;
}

/** The named stream; unknown ones are created when `createStreams` is on, else ResourceNotFoundException. */
function streamOf(input: Input, ctx: ServiceContext): DeliveryStreamState {
  const name = stringMember(input, 'DeliveryStreamName', STREAM_NAME);
  const stream = ctx.state.deliveryStreams.get(name);
  if (stream) return stream;
  if (!ctx.createStreams) throw new AwsServiceError('ResourceNotFoundException', `Firehose ${name} not found under account ${ACCOUNT_ID}.`);
  return declareDeliveryStream(ctx, name);
}

/** The decoded bytes of a Record structure's `Data`. */
function dataOf(value: unknown, member: string): Buffer {
  const record = structure(value, member);
  const data = record.Data;
  if (data === undefined || data === null) throw validationError(`${member}.data`, data, 'Member must not be null');
  if (typeof data !== 'string' || !BASE64.test(data)) throw new AwsServiceError('SerializationException', `${member}.data: expected base64 text`);
  return Buffer.from(data, 'base64');
}

function tooLarge(member: string, data: Buffer): string {
  return `Value 'java.nio.HeapByteBuffer[pos=0 lim=${data.length} cap=${data.length}]' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${FIREHOSE_LIMITS.maxRecordBytes}`;
}

/**
 * Record ids: unique and as long as Firehose's (64 characters), made of a random prefix per
 * process and a counter, so that storing a record costs no call into the random source (a
 * `randomBytes` per record was a sixth of this server's CPU under load).
 */
const RECORD_ID_PREFIX = randomBytes(36).toString('base64');
let recordCount = 0;

function newRecordId(): string {
  recordCount++;
  return RECORD_ID_PREFIX + recordCount.toString(16).padStart(16, '0');
}

function newRecord(data: Buffer, now: number): FirehoseRecord {
  return { data, recordId: newRecordId(), arrivalTime: now };
}

function store(ctx: ServiceContext, stream: DeliveryStreamState, records: readonly FirehoseRecord[]): void {
  ctx.writer?.appendRecords(stream.name, records);
  for (const r of records) stream.records.push(r);
}

function putRecord(input: Input, ctx: ServiceContext): object {
  const data = dataOf(input.Record, 'record');
  if (data.length > FIREHOSE_LIMITS.maxRecordBytes) throw new AwsServiceError('ValidationException', `1 validation error detected: ${tooLarge('record.data', data)}`);
  const stream = streamOf(input, ctx);
  const record = newRecord(data, ctx.now());
  store(ctx, stream, [record]);
  return { RecordId: record.recordId, Encrypted: false };
}

function putRecordBatch(input: Input, ctx: ServiceContext): object {
  const L = FIREHOSE_LIMITS;
  const list = listMember(input, 'Records', true)!;
  if (list.length === 0) throw validationError('records', [], 'Member must have length greater than or equal to 1');
  if (list.length > L.maxRecords) throw validationError('records', `[${list.length} records]`, `Member must have length less than or equal to ${L.maxRecords}`);
  const datas = list.map((item, i) => dataOf(item, `records.${i + 1}.member`));
  const problems = datas.flatMap((d, i) => (d.length > L.maxRecordBytes ? [tooLarge(`records.${i + 1}.member.data`, d)] : []));
  if (problems.length > 0) throw new AwsServiceError('ValidationException', `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`);
  if (datas.reduce((n, d) => n + d.length, 0) > L.maxBatchBytes) throw new AwsServiceError('InvalidArgumentException', 'Records size exceeds 4 MB limit');
  const stream = streamOf(input, ctx);
  const failed = ctx.faults.partialFailures(datas.length);
  const now = ctx.now();
  const responses: object[] = [];
  const stored: FirehoseRecord[] = [];
  datas.forEach((data, i) => {
    if (failed[i]) {
      responses.push({ ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' });
    } else {
      const record = newRecord(data, now);
      stored.push(record);
      responses.push({ RecordId: record.recordId });
    }
  });
  store(ctx, stream, stored);
  return { FailedPutCount: datas.length - stored.length, Encrypted: false, RequestResponses: responses };
}

function describeDeliveryStream(input: Input, ctx: ServiceContext): object {
  const stream = streamOf(input, ctx);
  intMember(input, 'Limit', 1, 10_000);
  return {
    DeliveryStreamDescription: {
      DeliveryStreamName: stream.name,
      DeliveryStreamARN: streamArn(ctx, stream.name),
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      CreateTimestamp: stream.createTime / 1000,
      Destinations: [],
      HasMoreDestinations: false,
    },
  };
}

function createDeliveryStream(input: Input, ctx: ServiceContext): object {
  const name = stringMember(input, 'DeliveryStreamName', STREAM_NAME);
  if (ctx.state.deliveryStreams.has(name)) throw new AwsServiceError('ResourceInUseException', `Firehose ${name} under accountId ${ACCOUNT_ID} already exists`);
  declareDeliveryStream(ctx, name);
  return { DeliveryStreamARN: streamArn(ctx, name) };
}

function listDeliveryStreams(input: Input, ctx: ServiceContext): object {
  const limit = intMember(input, 'Limit', 1, 10_000) ?? 10;
  const after = stringMember(input, 'ExclusiveStartDeliveryStreamName');
  const names = [...ctx.state.deliveryStreams.keys()].sort().filter((n) => after === undefined || n > after);
  return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit };
}

export const FIREHOSE_OPERATIONS = {
  PutRecord: putRecord,
  PutRecordBatch: putRecordBatch,
  DescribeDeliveryStream: describeDeliveryStream,
  CreateDeliveryStream: createDeliveryStream,
  ListDeliveryStreams: listDeliveryStreams,
} as const;
