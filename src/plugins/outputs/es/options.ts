/**
 * The options of Fluent Bit's `es` (alias `elasticsearch`) and `opensearch` outputs: one table
 * builder for both, since `out_opensearch` is a fork of `out_es` with the same keys and defaults
 * (plugins/out_es/es.c + es_conf.c, plugins/out_opensearch/opensearch.c + os_conf.c), less the
 * Elastic Cloud, API key and upstream keys, and with `aws_profile` defaulting to `default`.
 */
import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt, parseStrictBool } from '../../../options/kinds.js';
import type { OptionsOf, ParseOutcome } from '../../../options/spec.js';
import { ES_UNSUPPORTED_NET } from '../shared/net-options.js';

export type BulkFlavour = 'es' | 'opensearch';

export const WRITE_OPERATIONS = ['create', 'index', 'update', 'upsert'] as const;

/**
 * `AWS_Auth`: a boolean for the config map, but Fluent Bit then turns signing on only when the value
 * starts with `On` (es_conf.c compares the first two letters), so `true` or `yes` leave it off.
 * logferry does the same and says so.
 */
export function parseAwsAuth(text: string): ParseOutcome<boolean> {
  const b = parseStrictBool(text);
  if (!b.ok) return b;
  const on = /^on/i.test(text.trim());
  if (b.value && !on) {
    return { ok: true, value: false, warning: `Fluent Bit signs requests only when AWS_Auth starts with 'On'; '${text}' leaves AWS_Auth off (write On)` };
  }
  return { ok: true, value: on };
}

const common = {
  host: opt.string({ default: '127.0.0.1', doc: 'Host of the Elasticsearch/OpenSearch endpoint' }),
  port: opt.int({ min: 0, max: 65535, default: '9200', doc: 'Port of the endpoint' }),
  path: opt.string({ doc: 'Path prefix of the Bulk API request (POST <path>/_bulk), for a cluster behind a reverse proxy' }),
  pipeline: opt.string({ doc: 'Ingest pipeline the cluster runs on the records (?pipeline=)' }),
  index: opt.string({ default: 'fluent-bit', doc: 'Index the records go to (strftime % placeholders expanded with the flush time, UTC)' }),
  type: opt.string({ default: '_doc', doc: 'Document _type in the action line (left out with Suppress_Type_Name On)' }),
  suppress_type_name: opt.bool({ default: 'false', doc: 'Leave _type out of the action lines (needed by Elasticsearch 8 and OpenSearch 2)' }),
  http_user: opt.string({ doc: 'Basic authentication user' }),
  http_passwd: opt.string({ default: '', doc: 'Basic authentication password' }),
  compress: opt.string({ doc: 'Compress the request body: gzip (any other value sends it uncompressed, as in Fluent Bit)' }),
  aws_auth: opt.custom('bool', { default: 'false', doc: 'Sign requests with AWS SigV4 (Amazon OpenSearch Service); Fluent Bit only honours values starting with On' }, parseAwsAuth),
  aws_region: opt.string({ doc: 'AWS region of the domain (required with AWS_Auth On)' }),
  aws_sts_endpoint: opt.string({ doc: 'Custom STS endpoint used to assume AWS_Role_ARN' }),
  aws_role_arn: opt.string({ doc: 'IAM role to assume for signing' }),
  aws_external_id: opt.string({ doc: 'External ID passed to STS when assuming AWS_Role_ARN' }),
  aws_service_name: opt.string({ default: 'es', doc: 'Service name in the signature: es (managed domains) or aoss (OpenSearch Serverless)' }),
  logstash_format: opt.bool({ default: 'false', doc: 'Index into <Logstash_Prefix><separator><date> by record time instead of Index' }),
  logstash_prefix: opt.string({ default: 'logstash', doc: 'Index prefix with Logstash_Format' }),
  logstash_prefix_separator: opt.string({ default: '-', doc: 'Text between the prefix and the date with Logstash_Format' }),
  logstash_prefix_key: opt.string({ doc: 'Record key (or $record[accessor]) whose value replaces Logstash_Prefix when present' }),
  logstash_dateformat: opt.string({ default: '%Y.%m.%d', doc: 'strftime format of the date part of Logstash_Format indexes (UTC)' }),
  time_key: opt.string({ default: '@timestamp', doc: 'Key of the record time added to every record' }),
  time_key_format: opt.string({ default: '%Y-%m-%dT%H:%M:%S', doc: 'strftime format of the Time_Key value (UTC); .<milliseconds>Z is appended' }),
  time_key_nanos: opt.bool({ default: 'false', doc: 'Append nanoseconds (9 digits) instead of milliseconds to the Time_Key value' }),
  include_tag_key: opt.bool({ default: 'false', doc: 'Add the record tag to every record under Tag_Key' }),
  tag_key: opt.string({ default: 'flb-key', doc: 'Key of the tag with Include_Tag_Key On' }),
  buffer_size: opt.size({ default: '512k', doc: 'Most bytes of the Bulk API response read (False = unlimited); a larger response with errors cannot be read item by item' }),
  generate_id: opt.bool({ default: 'false', doc: 'Set each document _id to a hash of the record, so a resent record is not indexed twice' }),
  write_operation: opt.enum({ values: WRITE_OPERATIONS, default: 'create', doc: 'Bulk action: create, index, update or upsert (update and upsert need Id_Key or Generate_ID)' }),
  id_key: opt.string({ doc: 'Record key (or $record[accessor]) whose string value is the document _id (Generate_ID is then ignored)' }),
  replace_dots: opt.bool({ default: 'false', doc: 'Replace dots in key names with underscores, in nested maps too' }),
  current_time_index: opt.bool({ default: 'false', doc: 'Build the index name from the current time instead of the record time' }),
  trace_output: opt.bool({ default: 'false', doc: 'Print every Bulk API request body to standard output (diagnostics)' }),
  trace_error: opt.bool({ default: 'false', doc: 'Log the request and the response items of failed bulk requests (diagnostics)' }),
} as const;

/** Keys only `es` has. */
const esOnly = {
  http_api_key: opt.string({ doc: 'Elasticsearch API key, sent as Authorization: ApiKey <key> (when HTTP_User is not set)' }),
  aws_profile: opt.string({ doc: 'Profile of the shared AWS config/credentials files used for signing' }),
  cloud_id: opt.unsupported({ doc: 'Elastic Cloud ID of the deployment (sets Host and Port)', reason: 'Elastic Cloud IDs are not decoded; set Host, Port and tls On instead' }),
  cloud_auth: opt.unsupported({ doc: 'Elastic Cloud credentials user:password', reason: 'Elastic Cloud credentials are not read; use HTTP_User and HTTP_Passwd' }),
  upstream: opt.unsupported({ doc: 'Upstream file listing several nodes to balance between', reason: 'one node only: requests go to Host:Port' }),
  workers: opt.int({ default: '2', min: 0, doc: 'Worker threads flushing this output' }),
} as const;

const opensearchOnly = {
  aws_profile: opt.string({ default: 'default', doc: 'Profile of the shared AWS config/credentials files used for signing' }),
  workers: opt.int({ default: '0', min: 0, doc: 'Worker threads flushing this output (0: in the main thread)' }),
} as const;

export const ES_OPTIONS = { ...common, ...ES_UNSUPPORTED_NET, ...esOnly } as const;
export const OPENSEARCH_OPTIONS = { ...common, ...ES_UNSUPPORTED_NET, ...opensearchOnly } as const;

/** The typed options an `es` instance's runtime receives (common keys included). */
export type EsOptions = OptionsOfTable<'output', typeof ES_OPTIONS>;
/** The typed options an `opensearch` instance's runtime receives (common keys included). */
export type OpensearchOptions = OptionsOfTable<'output', typeof OPENSEARCH_OPTIONS>;

/** The keys both tables share, as the plan types them: what the Bulk body builder (bulk.ts) reads. */
export type BulkOptions = OptionsOf<typeof common>;

/** What the checks read: the keys both tables share, and es's API key (absent from opensearch). */
type CheckedOptions = BulkOptions & Partial<Pick<OptionsOf<typeof esOnly>, 'http_api_key'>>;

/** Cross-key rules of es_conf.c / os_conf.c that stop Fluent Bit from starting, and its warnings. */
export function checkBulkOptions(o: CheckedOptions, ctx: CheckContext): void {
  if ((o.write_operation === 'update' || o.write_operation === 'upsert') && o.id_key === undefined && !o.generate_id) {
    ctx.report('conflicting-keys', `Write_Operation ${o.write_operation} needs Id_Key or Generate_ID`, {
      key: 'write_operation',
      hint: 'an update names the document to change: set Id_Key to a record key holding the _id, or Generate_ID On',
    });
  }
  if (o.id_key !== undefined && o.generate_id) {
    ctx.report('conflicting-keys', 'Generate_ID is ignored when Id_Key is set', { key: 'generate_id', severity: 'warning' });
  }
  if (o.aws_auth && o.aws_region === undefined) {
    ctx.report('missing-required', 'AWS_Auth On needs AWS_Region', { key: 'aws_auth', hint: 'the region of the domain, e.g. AWS_Region us-east-1' });
  }
  if (o.compress !== undefined && o.compress.toLowerCase() !== 'gzip') {
    ctx.report('invalid-value', `compress '${o.compress}' is not gzip; Fluent Bit sends the body uncompressed`, { key: 'compress', severity: 'warning' });
  }
  if (o.http_user !== undefined && o.http_api_key !== undefined) {
    ctx.report('conflicting-keys', 'HTTP_User is used and HTTP_API_Key ignored when both are set', { key: 'http_api_key', severity: 'warning' });
  }
}
