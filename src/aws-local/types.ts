/** Types shared by the local AWS endpoint's services and its public API (re-exported by index.ts). */

export interface StoredLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogStreamState {
  readonly name: string;
  readonly creationTime: number;
  /** In arrival order (each accepted PutLogEvents batch appended as sent). */
  readonly events: StoredLogEvent[];
  lastIngestionTime?: number;
}

export interface LogGroupState {
  readonly name: string;
  readonly creationTime: number;
  retentionInDays?: number;
  logGroupClass: string;
  readonly streams: Map<string, LogStreamState>;
}

export interface FirehoseRecord {
  readonly data: Buffer;
  readonly recordId: string;
  /** Milliseconds since the epoch. */
  readonly arrivalTime: number;
}

export interface DeliveryStreamState {
  readonly name: string;
  readonly createTime: number;
  readonly records: FirehoseRecord[];
}

export interface KinesisRecord {
  readonly data: Buffer;
  readonly partitionKey: string;
  /** 56 decimal digits, increasing within the stream. */
  readonly sequenceNumber: string;
  readonly shardId: string;
  /** Milliseconds since the epoch. */
  readonly arrivalTime: number;
}

export interface KinesisStreamState {
  readonly name: string;
  readonly createTime: number;
  readonly shardCount: number;
  /** In arrival order (each PutRecords call's accepted records as sent). */
  readonly records: KinesisRecord[];
  /** The next sequence number's counter. */
  nextSequence: bigint;
}

/** One stored S3 object. */
export interface S3ObjectState {
  readonly key: string;
  readonly data: Buffer;
  /** Quoted, as S3 sends it: the MD5 of the data in hex, or `<md5 of the parts' md5s>-<parts>` after a multipart upload. */
  readonly etag: string;
  readonly contentType: string;
  readonly contentEncoding: string | undefined;
  readonly storageClass: string;
  /** The canned ACL it was written with (x-amz-acl). */
  readonly acl: string | undefined;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
}

export interface S3BucketState {
  readonly name: string;
  readonly creationTime: number;
  readonly objects: Map<string, S3ObjectState>;
}

/** A multipart upload not yet completed or aborted (kept in memory only: a restart of the endpoint forgets it). */
export interface S3UploadState {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly parts: Map<number, { readonly data: Buffer; readonly etag: string }>;
  readonly initiated: number;
  readonly attributes: Pick<S3ObjectState, 'contentType' | 'contentEncoding' | 'storageClass' | 'acl'>;
}

/** Everything the endpoint holds; the services change it, the data dir mirrors it. */
export interface AwsLocalState {
  readonly logGroups: Map<string, LogGroupState>;
  readonly deliveryStreams: Map<string, DeliveryStreamState>;
  readonly kinesisStreams: Map<string, KinesisStreamState>;
  readonly s3Buckets: Map<string, S3BucketState>;
  readonly s3Uploads: Map<string, S3UploadState>;
}
