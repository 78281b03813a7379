import type { OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { awsRecordOptions, checkTimeKeyWithLogKey } from '../shared/record-options.js';

/** The options of `kinesis_streams` (its own keys; defineOutput merges the common ones). */
export const KINESIS_STREAMS_OPTIONS = {
  region: opt.string({ required: true, doc: 'AWS region of the Kinesis data stream' }),
  stream: opt.string({ required: true, doc: 'Name of the Kinesis data stream' }),
  ...awsRecordOptions({ endpoint: 'Custom Kinesis endpoint (default kinesis.<region>.amazonaws.com; https:// is stripped; Port applies)', record: 'Kinesis' }),
} as const;

/** The typed options the `kinesis_streams` runtime receives (common keys included). */
export type KinesisStreamsOptions = OptionsOfTable<'output', typeof KINESIS_STREAMS_OPTIONS>;

export const checkKinesisStreams = checkTimeKeyWithLogKey("'time_key' and 'log_key' can not be used together");

