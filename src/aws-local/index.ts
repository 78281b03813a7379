/**
 * An embedded CloudWatch Logs + Firehose + Kinesis Data Streams + S3 + STS endpoint on loopback for local runs and tests:
 * point the real AWS SDK (or the cloudwatch_logs / kinesis_firehose / kinesis_streams outputs) at `endpoint`.
 *
 * ```ts
 * const aws = await startAwsLocal({ faults: 'throttle=0.2', seed: 1 });
 * const logs = new CloudWatchLogsClient({ endpoint: aws.endpoint, region: 'us-east-1', credentials });
 * // ...
 * aws.store.logEvents('group', 'stream');
 * await aws.close();
 * ```
 */
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DataDirWriter, emptyState, loadState } from './data-dir.js';
import { checkFaults, FaultDecider, parseFaults, type FaultSpec } from './faults.js';
import { declareDeliveryStream } from './firehose.js';
import { declareKinesisStream } from './kinesis.js';
import { declareBucket } from './s3.js';
import { LocalImds, type ImdsOptions, type ImdsRequest } from './imds.js';
import { compareNames } from './protocol.js';
import type { ServiceContext } from './service.js';
import { createHandler, RequestLog, type CallRecord } from './server.js';
import { DEFAULT_LOCAL_CREDENTIALS } from './signature.js';
import type { TlsIdentity } from './tls.js';
import type { AwsLocalState, StoredLogEvent } from './types.js';

export { parseFaults, type FaultSpec } from './faults.js';
export type { StoredLogEvent } from './types.js';
export { BODIES_KEPT, MAX_BODY_BYTES, type CallRecord } from './server.js';
export { DEFAULT_LOCAL_CREDENTIALS, type SignatureState } from './signature.js';
export type { AssumeRoleCall } from './sts.js';
export { PUT_LOG_EVENTS_LIMITS, RETENTION_DAYS } from './cloudwatch-logs.js';
export { FIREHOSE_LIMITS } from './firehose.js';
export { KINESIS_LIMITS } from './kinesis.js';
export { S3_LIMITS } from './s3.js';
export { AwsServiceError } from './protocol.js';
export { LOCALHOST_CA_FILE, localhostTls, type TlsIdentity } from './tls.js';
export { DEFAULT_IMDS_INSTANCE, type ImdsOptions, type ImdsRequest } from './imds.js';

/** The port `logferry aws-local` listens on by default (LocalStack's); the API defaults to an ephemeral port. */
export const DEFAULT_CLI_PORT = 4566;

export interface AwsLocalOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port (read it from `port` / `endpoint`). The CLI defaults to 4566. */
  port?: number;
  /** Keep everything as JSON lines here too, and load what is there on start (see data-dir.ts). */
  dataDir?: string;
  /** `throttle=0.3,server-error=0.1,partial=0.2,latency-ms=50` or the same as an object. */
  faults?: string | FaultSpec;
  /** Seed of the fault PRNG: the same seed and calls give the same faults. Random when absent. */
  seed?: number;
  /** Firehose, Kinesis and S3: create unknown delivery streams / data streams (one shard) / buckets on first use. Default true. */
  createStreams?: boolean;
  /** Firehose delivery streams that exist from the start (the only ones when createStreams is false). */
  deliveryStreams?: string[];
  /** Kinesis data streams that exist from the start, one shard each (the only ones when createStreams is false). */
  kinesisStreams?: string[];
  /** S3 buckets that exist from the start (the only ones when createStreams is false). */
  buckets?: string[];
  /** The EC2 instance the local instance metadata service under /latest/ describes (imds.ts); defaults to a demo instance. */
  imds?: ImdsOptions;
  /** Serve HTTPS with this certificate (e.g. `localhostTls()`) instead of HTTP. */
  tls?: TlsIdentity;
  /**
   * Secret access keys by access key id (default DEFAULT_LOCAL_CREDENTIALS: AKIDLOCAL/local and
   * AKIDLOGFERRYDEMO/demo): a JSON 1.1 or STS request signed with one of these keys has its SigV4
   * signature checked and is refused (403 InvalidSignatureException / SignatureDoesNotMatch) when
   * it is wrong; requests with other keys are not checked.
   */
  credentials?: Readonly<Record<string, string>>;
  /**
   * The endpoint's clock runs this many seconds ahead of the machine's (behind when negative): its
   * answers' Date header tell that time, and a request signed with a known key whose X-Amz-Date is
   * more than 5 minutes from it is refused, as AWS refuses it (`Signature expired` / `Signature not
   * yet current`). Default 0.
   */
  clockSkewSeconds?: number;
}

/** A record of a Kinesis data stream as stored. */
export interface StoredKinesisRecord {
  data: Buffer;
  partitionKey: string;
  sequenceNumber: string;
  shardId: string;
}

/** An S3 object as stored (GetObject's bytes and what its headers say). */
export interface StoredS3Object {
  key: string;
  data: Buffer;
  etag: string;
  contentType: string;
  contentEncoding?: string;
  storageClass: string;
  acl?: string;
}

export interface AwsLocalStore {
  logGroups(): { name: string; retentionInDays?: number; logGroupClass?: string; creationTime: number }[];
  /** Stream names of a group, sorted; [] for an unknown group. */
  logStreams(group: string): string[];
  /** The stored events of a stream in arrival order (each accepted batch as sent); [] when unknown. */
  logEvents(group: string, stream: string): StoredLogEvent[];
  deliveryStreams(): string[];
  /** The decoded data of each stored record in arrival order; [] when unknown. */
  firehoseRecords(stream: string): Buffer[];
  /** Kinesis data stream names, sorted. */
  kinesisStreams(): string[];
  /** The stored records of a Kinesis data stream in arrival order; [] when unknown. */
  kinesisRecords(stream: string): StoredKinesisRecord[];
  /** S3 bucket names, sorted. */
  s3Buckets(): string[];
  /** The objects of a bucket in key order; [] when unknown. */
  s3Objects(bucket: string): StoredS3Object[];
  /** Multipart uploads neither completed nor aborted: bucket, key and the parts uploaded, by part number. */
  s3Uploads(): { bucket: string; key: string; uploadId: string; parts: { partNumber: number; data: Buffer }[] }[];
  /** Requests per operation (e.g. 'PutLogEvents', 'AssumeRole'), failed ones included; no argument: all. */
  requests(operation?: string): number;
  assumeRoleCalls(): { roleArn: string; externalId?: string; sessionName: string; issuedAccessKeyId: string }[];
  /** Requests as seen (operation, access key id from Authorization, headers, signature check; bodies of the last BODIES_KEPT), oldest first; the last 10,000. */
  calls(operation?: string): CallRecord[];
  /** Distinct access key ids of all requests, in order of first use. */
  accessKeyIds(): string[];
  /** Requests to the instance metadata service (/latest/...), oldest first. */
  imdsRequests(): ImdsRequest[];
}

export interface AwsLocal {
  /** http://127.0.0.1:PORT (https:// with `tls`) */
  readonly endpoint: string;
  readonly port: number;
  readonly store: AwsLocalStore;
  /** Replaces the faults; with a seed the fault PRNG restarts. */
  setFaults(f: string | FaultSpec): void;
  close(): Promise<void>;
}

function toSpec(f: string | FaultSpec | undefined): FaultSpec {
  return f === undefined ? {} : typeof f === 'string' ? parseFaults(f) : checkFaults(f);
}

function storeOf(state: AwsLocalState, log: RequestLog, imds: LocalImds): AwsLocalStore {
  return {
    logGroups: () =>
      [...state.logGroups.values()]
        .sort((a, b) => compareNames(a.name, b.name))
        .map((g) => ({ name: g.name, creationTime: g.creationTime, logGroupClass: g.logGroupClass, ...(g.retentionInDays === undefined ? {} : { retentionInDays: g.retentionInDays }) })),
    logStreams: (group) => [...(state.logGroups.get(group)?.streams.keys() ?? [])].sort(),
    logEvents: (group, stream) => (state.logGroups.get(group)?.streams.get(stream)?.events ?? []).map((e) => ({ ...e })),
    deliveryStreams: () => [...state.deliveryStreams.keys()].sort(),
    firehoseRecords: (stream) => (state.deliveryStreams.get(stream)?.records ?? []).map((r) => Buffer.from(r.data)),
    kinesisStreams: () => [...state.kinesisStreams.keys()].sort(),
    kinesisRecords: (stream) =>
      (state.kinesisStreams.get(stream)?.records ?? []).map((r) => ({ data: Buffer.from(r.data), partitionKey: r.partitionKey, sequenceNumber: r.sequenceNumber, shardId: r.shardId })),
    s3Buckets: () => [...state.s3Buckets.keys()].sort(),
    s3Objects: (bucket) =>
      [...(state.s3Buckets.get(bucket)?.objects.values() ?? [])]
        .sort((a, b) => compareNames(a.key, b.key))
        .map((o) => ({
          key: o.key,
          data: Buffer.from(o.data),
          etag: o.etag,
          contentType: o.contentType,
          storageClass: o.storageClass,
          ...(o.contentEncoding === undefined ? {} : { contentEncoding: o.contentEncoding }),
          ...(o.acl === undefined ? {} : { acl: o.acl }),
        })),
    s3Uploads: () =>
      [...state.s3Uploads.values()].map((u) => ({
        bucket: u.bucket,
        key: u.key,
        uploadId: u.uploadId,
        parts: [...u.parts.entries()].sort(([a], [b]) => a - b).map(([partNumber, p]) => ({ partNumber, data: Buffer.from(p.data) })),
      })),
    requests: (operation) => (operation === undefined ? [...log.counts.values()].reduce((a, b) => a + b, 0) : (log.counts.get(operation) ?? 0)),
    assumeRoleCalls: () => log.assumeRoleCalls.map((c) => ({ ...c })),
    calls: (operation) => log.calls.filter((c) => operation === undefined || c.operation === operation),
    accessKeyIds: () => [...new Set(log.calls.flatMap((c) => (c.accessKeyId === undefined ? [] : [c.accessKeyId])))],
    imdsRequests: () => imds.requests.map((r) => ({ ...r })),
  };
}

/** Starts the endpoint; resolves once it listens. Throws on bad options (e.g. a bad fault text). */
export async function startAwsLocal(options: AwsLocalOptions = {}): Promise<AwsLocal> {
  const host = options.host ?? '127.0.0.1';
  const faults = new FaultDecider(toSpec(options.faults), options.seed);
  const now = () => Date.now();
  const state: AwsLocalState = options.dataDir ? loadState(options.dataDir, now()) : emptyState();
  const writer = options.dataDir ? new DataDirWriter(options.dataDir) : undefined;
  const createStreams = options.createStreams ?? true;
  for (const name of options.deliveryStreams ?? []) declareDeliveryStream({ state, writer, now }, name);
  for (const name of options.kinesisStreams ?? []) declareKinesisStream({ state, writer, now }, name);
  for (const name of options.buckets ?? []) declareBucket({ state, writer, now }, name);
  const log = new RequestLog();
  const contextFor = (region: string): ServiceContext => ({ state, writer, region, createStreams, faults, now });
  const imds = new LocalImds(options.imds, now);
  const secrets = new Map(Object.entries(options.credentials ?? DEFAULT_LOCAL_CREDENTIALS));
  const skewMs = (options.clockSkewSeconds ?? 0) * 1000;
  const handler = createHandler(contextFor, log, secrets, imds, () => Date.now() + skewMs);
  const server = options.tls ? createHttpsServer({ keepAliveTimeout: 65_000, cert: options.tls.cert, key: options.tls.key }, handler) : createServer({ keepAliveTimeout: 65_000 }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port,
    store: storeOf(state, log, imds),
    setFaults: (f) => faults.set(toSpec(f)),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
