/** What an operation of the local AWS endpoint gets besides its input. */
import type { DataDirWriter } from './data-dir.js';
import type { FaultDecider } from './faults.js';
import type { Input } from './protocol.js';
import type { AwsLocalState } from './types.js';

export interface ServiceContext {
  readonly state: AwsLocalState;
  /** Set when the endpoint has a data dir: every change is written there before the reply. */
  readonly writer: DataDirWriter | undefined;
  /** From the request's SigV4 credential scope (us-east-1 when it has none). */
  readonly region: string;
  /** Firehose and Kinesis: create unknown delivery streams / data streams on first use. */
  readonly createStreams: boolean;
  readonly faults: FaultDecider;
  now(): number;
}

/** One JSON 1.1 operation: the output members, or an AwsServiceError thrown before any change. */
export type Operation = (input: Input, ctx: ServiceContext) => object;
