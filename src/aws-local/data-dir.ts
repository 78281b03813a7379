/**
 * The data dir of the local AWS endpoint: JSON lines that a restart reads back and that
 * `logferry aws-local tail|firehose` prints.
 *
 *   <dataDir>/cloudwatch/<group>/_group.json      {"logGroupName","creationTime","logGroupClass",
 *                                                   "retentionInDays"?, "streams":{"<name>":creationTime}}
 *   <dataDir>/cloudwatch/<group>/<stream>.jsonl   {"timestamp":ms,"message":"…","ingestionTime":ms}
 *   <dataDir>/firehose/<stream>.jsonl             {"data":"…","encoding":"utf8"|"base64",
 *                                                   "recordId":"…","arrivalTime":ms}
 *   <dataDir>/kinesis/_streams.json               {"<stream>":{"shardCount":n,"createTime":ms}}
 *   <dataDir>/kinesis/<stream>.jsonl              {"data":"…","encoding":…,"partitionKey":"…",
 *                                                   "sequenceNumber":"…","shardId":"…","arrivalTime":ms}
 *
 *   <dataDir>/s3/<bucket>/objects/<sha256 of key>  an object's bytes (keys can be longer than file names)
 *   <dataDir>/s3/<bucket>/_objects.jsonl       {"key","size","etag","contentType","contentEncoding"?,
 *                                                   "storageClass","acl"?,"lastModified":ms} per write (the last wins)
 *
 * Names are URL-encoded (a leading dot too; an S3 key's slashes too). Firehose and Kinesis `data` is the record's bytes as UTF-8 text
 * when they are valid UTF-8 (`"encoding":"utf8"`), else base64 (`"encoding":"base64"`).
 */
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { decodeName, encodeName } from './protocol.js';
import type { AwsLocalState, DeliveryStreamState, FirehoseRecord, KinesisRecord, KinesisStreamState, LogGroupState, S3BucketState, S3ObjectState, StoredLogEvent } from './types.js';

const GROUP_META = '_group.json';
const LINES = '.jsonl';

export function logStreamFile(root: string, group: string, stream: string): string {
  return join(root, 'cloudwatch', encodeName(group), encodeName(stream) + LINES);
}

export function deliveryStreamFile(root: string, stream: string): string {
  return join(root, 'firehose', encodeName(stream) + LINES);
}

export function kinesisStreamFile(root: string, stream: string): string {
  return join(root, 'kinesis', encodeName(stream) + LINES);
}

const KINESIS_META = '_streams.json';
const S3_OBJECTS = '_objects.jsonl';

export function s3BucketDir(root: string, bucket: string): string {
  return join(root, 's3', encodeName(bucket));
}

export function s3ObjectFile(root: string, bucket: string, key: string): string {
  return join(s3BucketDir(root, bucket), 'objects', createHash('sha256').update(key).digest('hex'));
}

/** The metadata of a bucket's objects (the last line of each key wins), in key order. */
export function s3ObjectMetadata(root: string, bucket: string): Map<string, Omit<S3ObjectState, 'data'> & { size: number }> {
  const byKey = new Map<string, Omit<S3ObjectState, 'data'> & { size: number }>();
  for (const value of readJsonLines(join(s3BucketDir(root, bucket), S3_OBJECTS)).values) {
    if (typeof value !== 'object' || value === null) continue;
    const v = value as Record<string, unknown>;
    if (typeof v.key !== 'string' || typeof v.etag !== 'string') continue;
    const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
    byKey.set(v.key, {
      key: v.key,
      etag: v.etag,
      size: typeof v.size === 'number' ? v.size : 0,
      contentType: text('contentType') ?? 'binary/octet-stream',
      contentEncoding: text('contentEncoding'),
      storageClass: text('storageClass') ?? 'STANDARD',
      acl: text('acl'),
      lastModified: typeof v.lastModified === 'number' ? v.lastModified : 0,
    });
  }
  return new Map([...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The S3 buckets of a data dir, sorted. */
export function s3BucketNames(root: string): string[] {
  return listDir(join(root, 's3')).map(decodeName);
}

function loadBucket(root: string, name: string, now: number): S3BucketState {
  const bucket: S3BucketState = { name, creationTime: now, objects: new Map() };
  for (const meta of s3ObjectMetadata(root, name).values()) {
    let data: Buffer;
    try {
      data = readFileSync(s3ObjectFile(root, name, meta.key));
    } catch {
      continue; // written but its metadata line is from an earlier write: skipped
    }
    const { size: _size, ...rest } = meta;
    bucket.objects.set(meta.key, { ...rest, data });
  }
  return bucket;
}

/** Record bytes as JSON-lines text: UTF-8 when they are valid UTF-8, else base64. */
function dataFields(data: Buffer): { data: string; encoding: 'utf8' | 'base64' } {
  const utf8 = isUtf8(data);
  return { data: data.toString(utf8 ? 'utf8' : 'base64'), encoding: utf8 ? 'utf8' : 'base64' };
}

export function kinesisLine(r: KinesisRecord): string {
  return JSON.stringify({ ...dataFields(r.data), partitionKey: r.partitionKey, sequenceNumber: r.sequenceNumber, shardId: r.shardId, arrivalTime: r.arrivalTime });
}

export function parseKinesisLine(value: unknown): KinesisRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.data !== 'string') return undefined;
  const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
  return {
    data: Buffer.from(v.data, v.encoding === 'base64' ? 'base64' : 'utf8'),
    partitionKey: text('partitionKey'),
    sequenceNumber: text('sequenceNumber'),
    shardId: text('shardId'),
    arrivalTime: typeof v.arrivalTime === 'number' ? v.arrivalTime : 0,
  };
}

/** The folder of a log group in the data dir. */
export function logGroupDir(root: string, group: string): string {
  return join(root, 'cloudwatch', encodeName(group));
}

export function firehoseLine(r: FirehoseRecord): string {
  return JSON.stringify({ ...dataFields(r.data), recordId: r.recordId, arrivalTime: r.arrivalTime });
}

export function parseFirehoseLine(value: unknown): FirehoseRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.data !== 'string') return undefined;
  return {
    data: Buffer.from(v.data, v.encoding === 'base64' ? 'base64' : 'utf8'),
    recordId: typeof v.recordId === 'string' ? v.recordId : '',
    arrivalTime: typeof v.arrivalTime === 'number' ? v.arrivalTime : 0,
  };
}

export function parseLogEventLine(value: unknown): StoredLogEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.timestamp !== 'number' || typeof v.message !== 'string') return undefined;
  return { timestamp: v.timestamp, message: v.message, ingestionTime: typeof v.ingestionTime === 'number' ? v.ingestionTime : v.timestamp };
}

/**
 * The complete lines of a JSON-lines file from byte `offset` on, parsed; a line that is not JSON
 * (e.g. cut short by a crash) is skipped. `next` is the offset after the last complete line.
 */
export function readJsonLines(file: string, offset = 0): { values: unknown[]; next: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { values: [], next: offset };
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { values: [], next: offset };
    const buf = Buffer.alloc(size - offset);
    const read = readSync(fd, buf, 0, buf.length, offset);
    const end = buf.lastIndexOf(10, read - 1);
    if (end < 0) return { values: [], next: offset };
    const values: unknown[] = [];
    for (const line of buf.toString('utf8', 0, end).split('\n')) {
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        // a torn line: skipped
      }
    }
    return { values, next: offset + end + 1 };
  } finally {
    closeSync(fd);
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The names of the `.jsonl` files of a folder, decoded and sorted ([] when there is no folder). */
export function jsonLinesNames(dir: string): string[] {
  return listDir(dir)
    .filter((f) => f.endsWith(LINES))
    .map((f) => decodeName(f.slice(0, -LINES.length)));
}

export function emptyState(): AwsLocalState {
  return { logGroups: new Map(), deliveryStreams: new Map(), kinesisStreams: new Map(), s3Buckets: new Map(), s3Uploads: new Map() };
}

/** Reads a data dir into fresh state (empty when the dir does not exist yet). */
export function loadState(root: string, now: number): AwsLocalState {
  const state = emptyState();
  for (const name of s3BucketNames(root)) state.s3Buckets.set(name, loadBucket(root, name, now));
  for (const entry of listDir(join(root, 'cloudwatch'))) {
    const dir = join(root, 'cloudwatch', entry);
    let meta: Record<string, unknown> = {};
    try {
      meta = JSON.parse(readFileSync(join(dir, GROUP_META), 'utf8')) as Record<string, unknown>;
    } catch {
      // no metadata: the group is known from its folder
    }
    const name = typeof meta.logGroupName === 'string' ? meta.logGroupName : decodeName(entry);
    const group: LogGroupState = {
      name,
      creationTime: typeof meta.creationTime === 'number' ? meta.creationTime : now,
      logGroupClass: typeof meta.logGroupClass === 'string' ? meta.logGroupClass : 'STANDARD',
      streams: new Map(),
    };
    if (typeof meta.retentionInDays === 'number') group.retentionInDays = meta.retentionInDays;
    const created = (typeof meta.streams === 'object' && meta.streams !== null ? meta.streams : {}) as Record<string, unknown>;
    const names = new Set([...Object.keys(created), ...jsonLinesNames(dir)]);
    for (const stream of [...names].sort()) {
      const events = readJsonLines(logStreamFile(root, name, stream)).values.map(parseLogEventLine).filter((e) => e !== undefined);
      const ct = created[stream];
      const state = { name: stream, creationTime: typeof ct === 'number' ? ct : now, events, lastIngestionTime: events.at(-1)?.ingestionTime };
      group.streams.set(stream, state);
    }
    state.logGroups.set(name, group);
  }
  for (const name of jsonLinesNames(join(root, 'firehose'))) {
    const records = readJsonLines(deliveryStreamFile(root, name)).values.map(parseFirehoseLine).filter((r) => r !== undefined);
    state.deliveryStreams.set(name, { name, createTime: records[0]?.arrivalTime ?? now, records });
  }
  let meta: Record<string, { shardCount?: unknown; createTime?: unknown }> = {};
  try {
    meta = JSON.parse(readFileSync(join(root, 'kinesis', KINESIS_META), 'utf8')) as typeof meta;
  } catch {
    // no metadata: streams are known from their files, with one shard
  }
  for (const name of new Set([...Object.keys(meta), ...jsonLinesNames(join(root, 'kinesis'))])) {
    const records = readJsonLines(kinesisStreamFile(root, name)).values.map(parseKinesisLine).filter((r) => r !== undefined);
    const m = meta[name] ?? {};
    const last = records.at(-1)?.sequenceNumber;
    state.kinesisStreams.set(name, {
      name,
      createTime: typeof m.createTime === 'number' ? m.createTime : (records[0]?.arrivalTime ?? now),
      shardCount: typeof m.shardCount === 'number' && m.shardCount >= 1 ? m.shardCount : 1,
      records,
      nextSequence: last !== undefined && /^\d+$/.test(last) ? BigInt(last) + 1n : 0n,
    });
  }
  return state;
}

/** Writes changes of the state to the data dir as they happen (each call before the reply). */
export class DataDirWriter {
  constructor(readonly root: string) {
    mkdirSync(join(root, 'cloudwatch'), { recursive: true });
    mkdirSync(join(root, 'firehose'), { recursive: true });
    mkdirSync(join(root, 'kinesis'), { recursive: true });
    mkdirSync(join(root, 's3'), { recursive: true });
  }

  createBucket(name: string): void {
    mkdirSync(join(s3BucketDir(this.root, name), 'objects'), { recursive: true });
  }

  /** An object's bytes (written whole, then renamed into place), then its metadata line. */
  writeObject(bucket: string, o: S3ObjectState): void {
    this.createBucket(bucket);
    const file = s3ObjectFile(this.root, bucket, o.key);
    writeFileSync(`${file}.tmp`, o.data);
    renameSync(`${file}.tmp`, file);
    const meta = { key: o.key, size: o.data.length, etag: o.etag, contentType: o.contentType, contentEncoding: o.contentEncoding, storageClass: o.storageClass, acl: o.acl, lastModified: o.lastModified };
    appendFileSync(join(s3BucketDir(this.root, bucket), S3_OBJECTS), JSON.stringify(meta) + '\n');
  }

  /** A group's metadata file (after CreateLogGroup, CreateLogStream, PutRetentionPolicy). */
  writeGroup(group: LogGroupState): void {
    const dir = logGroupDir(this.root, group.name);
    mkdirSync(dir, { recursive: true });
    const streams: Record<string, number> = {};
    for (const s of group.streams.values()) streams[s.name] = s.creationTime;
    const meta = { logGroupName: group.name, creationTime: group.creationTime, logGroupClass: group.logGroupClass, retentionInDays: group.retentionInDays, streams };
    writeFileSync(join(dir, GROUP_META), JSON.stringify(meta) + '\n');
  }

  appendLogEvents(group: string, stream: string, events: readonly StoredLogEvent[]): void {
    const text = events.map((e) => JSON.stringify({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime }) + '\n').join('');
    appendFileSync(logStreamFile(this.root, group, stream), text);
  }

  /** An empty file for a new stream, so a restart knows the stream. */
  createStream(group: string, stream: string): void {
    appendFileSync(logStreamFile(this.root, group, stream), '');
  }

  createDeliveryStream(stream: DeliveryStreamState): void {
    const file = deliveryStreamFile(this.root, stream.name);
    if (!existsSync(file)) writeFileSync(file, '');
  }

  appendRecords(stream: string, records: readonly FirehoseRecord[]): void {
    if (records.length > 0) appendFileSync(deliveryStreamFile(this.root, stream), records.map((r) => firehoseLine(r) + '\n').join(''));
  }

  /** The Kinesis streams' metadata (all of them: a few lines), then an empty file for the new one. */
  createKinesisStream(stream: KinesisStreamState, all: Iterable<KinesisStreamState>): void {
    const meta: Record<string, { shardCount: number; createTime: number }> = {};
    for (const s of all) meta[s.name] = { shardCount: s.shardCount, createTime: s.createTime };
    meta[stream.name] = { shardCount: stream.shardCount, createTime: stream.createTime };
    writeFileSync(join(this.root, 'kinesis', KINESIS_META), JSON.stringify(meta) + '\n');
    appendFileSync(kinesisStreamFile(this.root, stream.name), '');
  }

  appendKinesisRecords(stream: string, records: readonly KinesisRecord[]): void {
    if (records.length > 0) appendFileSync(kinesisStreamFile(this.root, stream), records.map((r) => kinesisLine(r) + '\n').join(''));
  }
}
