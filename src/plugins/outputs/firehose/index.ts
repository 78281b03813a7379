import { defineOutput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { goFlag } from '../shared/go-options.js';
import { AWS_UNSUPPORTED_NET } from '../shared/net-options.js';

/**
 * `firehose`: the AWS Go plugin amazon-kinesis-firehose-for-fluent-bit (AWS for Fluent Bit, ECS
 * FireLens, the EKS Fargate log router). Its options are checked; logferry does not run it (no
 * create): kinesis_firehose, the Fluent Bit plugin that supersedes it, runs.
 */
export default defineOutput({
  name: 'firehose',
  // Fluent Bit passes every key to the Go plugin, which reads only those it knows.
  unknownKeys: 'ignored',
  description: 'Send records to an Amazon Data Firehose delivery stream (AWS Go plugin amazon-kinesis-firehose-for-fluent-bit; validated only, use kinesis_firehose to run)',
  options: {
    region: opt.string({ required: true, doc: 'AWS region of the delivery stream' }),
    delivery_stream: opt.string({ required: true, doc: 'Name of the Firehose delivery stream' }),
    data_keys: opt.string({ doc: 'Comma-separated record keys to send; the other keys are left out' }),
    log_key: opt.string({ doc: 'Send only the value of this record key instead of the whole record as JSON' }),
    role_arn: opt.string({ doc: 'IAM role to assume for the API calls (e.g. cross-account access)' }),
    endpoint: opt.string({ doc: 'Custom Firehose endpoint' }),
    sts_endpoint: opt.string({ doc: 'Custom STS endpoint used to assume role_arn' }),
    ...AWS_UNSUPPORTED_NET,
    time_key: opt.string({ doc: 'Add the record time to each record under this key' }),
    time_key_format: opt.string({ default: '%Y-%m-%dT%H:%M:%S', doc: 'strftime format of the time_key value; %L adds milliseconds, %f microseconds' }),
    replace_dots: opt.string({ doc: 'Replace dots in key names (at every map depth) with this text' }),
    simple_aggregation: goFlag(false, 'Join as many records as fit (1 MiB) into one Firehose record'),
  },
});
