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

/** Everything the endpoint holds; the services change it, the data dir mirrors it. */
export interface AwsLocalState {
  readonly logGroups: Map<string, LogGroupState>;
  readonly deliveryStreams: Map<string, DeliveryStreamState>;
  readonly kinesisStreams: Map<string, KinesisStreamState>;
}
