import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { AWS_OPTIONS, checkAws } from './options.js';

/**
 * `aws` (Fluent Bit's filter_aws, plugins/filter_aws/aws.c): adds EC2 instance metadata read from the
 * instance metadata service (IMDS) to every record. The IMDS address is EC2's 169.254.169.254, or
 * what the AWS SDKs' `AWS_EC2_METADATA_SERVICE_ENDPOINT` environment variable names (logferry's
 * aws-local serves one).
 */
export default defineFilter({
  name: 'aws',
  description: 'Add EC2 instance metadata (instance id, zone, tags, ...) read from the instance metadata service to records',
  options: AWS_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./aws-filter.js')).AwsFilter(options, ctx),
  check: checkAws,
});
