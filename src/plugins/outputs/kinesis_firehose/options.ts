import type { OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { awsRecordOptions, checkTimeKeyWithLogKey } from '../shared/record-options.js';

/** The options of `kinesis_firehose` (its own keys; defineOutput merges the common ones). */
export const KINESIS_FIREHOSE_OPTIONS = {
  region: opt.string({ required: true, doc: 'AWS region of the delivery stream' }),
  delivery_stream: opt.string({ required: true, doc: 'Name of the Firehose delivery stream' }),
  ...awsRecordOptions({ endpoint: 'Custom Firehose endpoint (default firehose.<region>.amazonaws.com; https:// is stripped)', record: 'Firehose' }),
} as const;

/** The typed options the `kinesis_firehose` runtime receives (common keys included). */
export type KinesisFirehoseOptions = OptionsOfTable<'output', typeof KINESIS_FIREHOSE_OPTIONS>;

export const checkKinesisFirehose = checkTimeKeyWithLogKey('time_key and log_key cannot be used together');

