/**
 * The credential keys of the AWS outputs that share name, spec and meaning (out_cloudwatch_logs,
 * out_kinesis_firehose, out_kinesis_streams): spread into their tables, and the type aws-client.ts
 * reads them with. The `net.*` keys these outputs do not act on come in the same place.
 */
import { opt } from '../../../options/kinds.js';
import { AWS_UNSUPPORTED_NET } from './net-options.js';

export const AWS_CREDENTIAL_KEYS = {
  role_arn: opt.string({ doc: 'IAM role to assume for the API calls' }),
  external_id: opt.string({ doc: 'External ID passed to STS when assuming role_arn' }),
  sts_endpoint: opt.string({ doc: 'Custom STS endpoint used to assume role_arn' }),
  ...AWS_UNSUPPORTED_NET,
  profile: opt.string({ doc: 'Profile of the shared AWS config/credentials files to use' }),
} as const;
