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

/** Everything the endpoint holds; the services change it, the data dir mirrors it. */
export interface AwsLocalState {
  readonly logGroups: Map<string, LogGroupState>;
  readonly deliveryStreams: Map<string, DeliveryStreamState>;
}
