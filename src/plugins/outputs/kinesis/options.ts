import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { goCount, goFlag } from '../shared/go-options.js';
import { AWS_UNSUPPORTED_NET } from '../shared/net-options.js';

/** The options of `kinesis` (its own keys; defineOutput merges the common ones). */
export const KINESIS_OPTIONS = {
  region: opt.string({ required: true, doc: 'AWS region of the Kinesis data stream' }),
  stream: opt.string({ required: true, doc: 'Name of the Kinesis data stream' }),
  partition_key: opt.string({ doc: 'Record key whose value is the partition key (nested keys as a->b); random when unset or not found' }),
  data_keys: opt.string({ doc: 'Comma-separated record keys to send; the other keys are left out' }),
  log_key: opt.string({ doc: 'Send only the value of this record key instead of the whole record as JSON' }),
  role_arn: opt.string({ doc: 'IAM role to assume for the API calls (e.g. cross-account access)' }),
  endpoint: opt.string({ doc: 'Custom Kinesis endpoint' }),
  sts_endpoint: opt.string({ doc: 'Custom STS endpoint used to assume role_arn' }),
  ...AWS_UNSUPPORTED_NET,
  append_newline: goFlag(false, 'Add a newline after each record (only the value true turns it on)'),
  time_key: opt.string({ doc: 'Add the record time to each record under this key' }),
  time_key_format: opt.string({ default: '%Y-%m-%dT%H:%M:%S', doc: 'strftime format of the time_key value; %L adds milliseconds, %f microseconds' }),
  experimental_concurrency: opt.unsupported({
    doc: 'Concurrent goroutines flushing records (0-10; 0 flushes in the Fluent Bit thread)',
    reason: 'logferry sends each chunk in order and retries through Retry_Limit; set workers for parallel flushes',
  }),
  experimental_concurrency_retries: opt.unsupported({
    doc: 'Retries of the concurrent goroutines before records are dropped (default 4)',
    reason: 'only used with experimental_concurrency; logferry retries through Retry_Limit',
  }),
  aggregation: opt.unsupported({
    doc: 'KPL-aggregate records (true) into Kinesis records of several user records',
    reason: 'KPL aggregation is not implemented: each record is sent as its own Kinesis record (consumers using the KCL read both)',
  }),
  compression: opt.custom('enum', { doc: 'Compress each record: zlib, gzip or none' }, (text): ParseOutcome<'zlib' | 'gzip' | undefined> => {
    const t = text.trim().toLowerCase();
    if (t === 'zlib' || t === 'gzip') return { ok: true, value: t };
    if (t === 'none' || t === '') return { ok: true, value: undefined };
    return { ok: false, message: `'${text}' is not one of zlib, gzip, none`, hint: 'the kinesis Go plugin refuses to start with another compression' };
  }),
  replace_dots: opt.string({ doc: 'Replace dots in key names (at every map depth) with this text' }),
  http_request_timeout: goCount('Timeout of one PutRecords call in seconds (0 = none)'),
} as const;

/** The typed options the `kinesis` runtime receives (common keys included). */
export type KinesisOptions = OptionsOfTable<'output', typeof KINESIS_OPTIONS>;

/** Cross-key rules of `kinesis` (the definition's `check`). */
export function checkKinesis(o: KinesisOptions, ctx: CheckContext): void {
  if (o.partition_key === 'log') {
    ctx.report('invalid-value', "'log' cannot be set as the partition key", { key: 'partition_key', hint: 'the kinesis Go plugin refuses to start with partition_key log' });
  }
}

