/**
 * The options Fluent Bit's record outputs kinesis_firehose and kinesis_streams share (same names,
 * defaults and meaning in out_kinesis_firehose and out_kinesis_streams), and their cross-key rule.
 */
import type { CheckContext } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { awsCompressionOption } from './compression.js';
import { AWS_CREDENTIAL_KEYS } from './aws-options.js';

/** `endpoint` and `record` name the service in the docs (e.g. 'Custom Firehose endpoint …', 'Firehose'). */
export function awsRecordOptions(docs: { endpoint: string; record: string }) {
  return {
    time_key: opt.string({ doc: 'Add the record time to each record under this key (not with log_key)' }),
    time_key_format: opt.string({
      default: '%Y-%m-%dT%H:%M:%S',
      doc: 'strftime format of the time_key value; %3N adds milliseconds, %9N or %L nanoseconds',
    }),
    log_key: opt.string({ doc: 'Send only the value of this record key instead of the whole record as JSON (not with time_key)' }),
    compression: awsCompressionOption,
    endpoint: opt.string({ doc: docs.endpoint }),
    ...AWS_CREDENTIAL_KEYS,
    auto_retry_requests: opt.bool({ default: 'true', doc: 'Retry a failed API request once immediately, before the normal retry schedule' }),
    simple_aggregation: opt.bool({ default: 'false', doc: `Pack several records into one ${docs.record} record to cut the number of records sent` }),
    workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
  } as const;
}

/** Fluent Bit refuses time_key with log_key (`message` as the plugin words it). */
export function checkTimeKeyWithLogKey(message: string) {
  return (o: { time_key?: string | undefined; log_key?: string | undefined }, ctx: CheckContext): void => {
    if (o.time_key !== undefined && o.log_key !== undefined) {
      ctx.report('conflicting-keys', message, {
        key: 'time_key',
        hint: 'Fluent Bit refuses to start; log_key sends a bare value, to which no time field can be added',
      });
    }
  };
}
