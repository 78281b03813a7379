import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';

/**
 * `tags_include` / `tags_exclude`: tag keys separated by `,` (`tags_split` in
 * plugins/filter_aws/aws.c, strtok: empty items are skipped) and compared exactly, case and spaces
 * included, so `Name, env` holds ` env`, which matches no tag key without that space (a warning).
 */
export function parseTagKeys(text: string): ParseOutcome<readonly string[]> {
  const keys = text.split(',').filter((k) => k.length > 0);
  const spaced = keys.filter((k) => k.trim() !== k);
  if (spaced.length > 0) {
    return {
      ok: true,
      value: keys,
      warning: `Fluent Bit compares tag keys exactly: ${spaced.map((k) => `'${k}'`).join(', ')} keeps the spaces and matches no tag key without them`,
    };
  }
  return { ok: true, value: keys };
}

/** The options of `aws` (its own keys; defineFilter merges the common ones). */
export const AWS_OPTIONS = {
  imds_version: opt.enum({ values: ['v1', 'v2'], default: 'v2', doc: 'Instance metadata service version: v1 (plain GETs) or v2 (session token)' }),
  az: opt.bool({ default: 'true', doc: 'Add the availability zone as az' }),
  ec2_instance_id: opt.bool({ default: 'true', doc: 'Add the instance ID as ec2_instance_id' }),
  ec2_instance_type: opt.bool({ default: 'false', doc: 'Add the instance type as ec2_instance_type' }),
  private_ip: opt.bool({ default: 'false', doc: 'Add the private IPv4 address as private_ip' }),
  vpc_id: opt.bool({ default: 'false', doc: 'Add the VPC ID (of the primary network interface) as vpc_id' }),
  ami_id: opt.bool({ default: 'false', doc: 'Add the image (AMI) ID as ami_id' }),
  account_id: opt.bool({ default: 'false', doc: 'Add the AWS account ID (from the instance identity document) as account_id' }),
  hostname: opt.bool({ default: 'false', doc: 'Add the private DNS hostname as hostname' }),
  tags_enabled: opt.bool({ default: 'false', doc: 'Add the EC2 instance tags (tag key = record key); needs instance metadata tags on' }),
  tags_include: opt.custom('tag-keys', { default: '', doc: 'Only these tag keys, separated by commas (e.g. Name,team)' }, parseTagKeys),
  tags_exclude: opt.custom('tag-keys', { default: '', doc: 'All tags but these keys, separated by commas; not with tags_include' }, parseTagKeys),
  retry_interval_s: opt.int({ default: '300', doc: 'Seconds between attempts to fetch metadata that could not be read (0: at every batch)' }),
  enable_entity: opt.bool({ default: 'false', doc: 'Also add aws_entity_ec2_instance_id and aws_entity_account_id (for CloudWatch entities)' }),
} as const;

/** The typed options the `aws` runtime receives (common keys included). */
export type AwsOptions = OptionsOfTable<'filter', typeof AWS_OPTIONS>;

/** Cross-key rules of `aws` (the definition's `check`). */
export function checkAws(options: AwsOptions, ctx: CheckContext): void {
  if (ctx.isSet('tags_include') && ctx.isSet('tags_exclude')) {
    const message = options.tags_enabled
      ? 'tags_include and tags_exclude cannot be used together: Fluent Bit fails to start when it reads the instance tags'
      : 'tags_include and tags_exclude cannot be used together (ignored while tags_enabled is off; an error once it is on)';
    ctx.report('conflicting-keys', message, { key: 'tags_exclude', hint: 'keep only one of them', ...(options.tags_enabled ? {} : { severity: 'warning' as const }) });
  }
}

