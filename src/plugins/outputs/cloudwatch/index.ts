import { defineOutput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { goFlag } from '../shared/go-options.js';
import { AWS_UNSUPPORTED_NET } from '../shared/net-options.js';

/**
 * `cloudwatch`: the AWS Go plugin amazon-cloudwatch-logs-for-fluent-bit (AWS for Fluent Bit, ECS
 * FireLens, the EKS Fargate log router). Its options are checked; logferry does not run it (no
 * create): cloudwatch_logs, the Fluent Bit plugin that supersedes it, runs.
 */
export default defineOutput({
  name: 'cloudwatch',
  // Fluent Bit passes every key to the Go plugin, which reads only those it knows.
  unknownKeys: 'ignored',
  description: 'Send records to CloudWatch Logs (AWS Go plugin amazon-cloudwatch-logs-for-fluent-bit; validated only, use cloudwatch_logs to run)',
  options: {
    region: opt.string({ required: true, doc: 'AWS region of the log group' }),
    log_group_name: opt.string({ required: true, doc: 'Log group to send to; $(variable) templates allowed' }),
    log_stream_name: opt.string({ doc: 'Log stream to send to; $(variable) templates allowed' }),
    default_log_group_name: opt.string({ default: 'fluentbit-default', doc: 'Log group used when a log_group_name template cannot be filled' }),
    default_log_stream_name: opt.string({ default: '/fluentbit-default', doc: 'Log stream used when a log_stream_name template cannot be filled' }),
    log_stream_prefix: opt.string({ doc: '(deprecated) Log stream name prefix, the same as log_stream_name prefix-$(tag)' }),
    log_key: opt.string({ doc: 'Send only the value of this record key instead of the whole record as JSON' }),
    log_format: opt.string({ doc: 'Format of the data for CloudWatch, e.g. json/emf for embedded metrics' }),
    role_arn: opt.string({ doc: 'IAM role to assume for the API calls (e.g. cross-account access)' }),
    external_id: opt.string({ doc: 'External ID passed to STS when assuming role_arn' }),
    auto_create_group: goFlag(false, 'Create the log group (with new_log_group_tags) when it does not exist'),
    auto_create_stream: goFlag(true, 'Create the log stream when it does not exist'),
    new_log_group_tags: opt.string({ doc: 'Tags of auto-created log groups, as key=value pairs separated by commas' }),
    log_retention_days: opt.string({ doc: 'Retention in days set on newly created log groups (when greater than zero)' }),
    endpoint: opt.string({ doc: 'Custom CloudWatch Logs endpoint' }),
    sts_endpoint: opt.string({ doc: 'Custom STS endpoint used to assume role_arn' }),
    ...AWS_UNSUPPORTED_NET,
    credentials_endpoint: opt.string({ doc: 'HTTP endpoint to fetch credentials from (AccessKeyId, SecretAccessKey, Token, Expiration)' }),
    extra_user_agent: opt.string({ doc: 'Text added to the User-Agent of the API calls' }),
  },
  check(o, ctx) {
    if ((o.log_stream_name === undefined) === (o.log_stream_prefix === undefined)) {
      ctx.report('conflicting-keys', 'exactly one of log_stream_name and log_stream_prefix must be set', { hint: 'the cloudwatch Go plugin refuses to start otherwise' });
    }
  },
});
