import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt, unsupportedWhen } from '../../../options/kinds.js';
import type { OptionTable } from '../../../options/spec.js';
import { AWS_CREDENTIAL_KEYS } from '../shared/aws-options.js';
import { JSON_DATE_FORMATS } from '../stdout/options.js';

/** Fluent Bit's limits (out_s3/s3.h), checked at startup as cb_s3_init checks them. */
export const S3_SIZES = {
  /** The smallest multipart part (MIN_CHUNKED_UPLOAD_SIZE); below twice this total_file_size means PutObject. */
  minChunk: 5_242_880,
  maxChunk: 50_000_000,
  maxChunkCompressed: 5_000_000_000,
  minFile: 1_000_000,
  maxFile: 50_000_000_000,
  maxFilePutObject: 1_000_000_000,
} as const;

/** node:zlib has zstd from Node.js 22.15 on. */
const hasZstd = typeof (process.versions as Record<string, string | undefined>).zstd === 'string';

const BLOB = 'logferry has no blob events (in_blob); records are uploaded as log files';

/** The options of `s3` (its own keys; defineOutput merges the common ones), as out_s3's config map. */
export const S3_OPTIONS = {
  bucket: opt.string({ required: true, doc: 'S3 bucket name' }),
  region: opt.string({ default: 'us-east-1', doc: 'AWS region of the bucket' }),
  endpoint: opt.string({ doc: 'Custom S3 endpoint: a host name (https) or a URL such as http://127.0.0.1:4566 (default s3.<region>.amazonaws.com)' }),
  ...AWS_CREDENTIAL_KEYS,
  json_date_key: opt.string({ default: 'date', doc: 'Key of the record time in each JSON line; false or off leaves it out' }),
  json_date_format: opt.enum({ values: JSON_DATE_FORMATS, default: 'iso8601', doc: 'How the record time is written (double, epoch, epoch_ms, iso8601, java_sql_timestamp)' }),
  total_file_size: opt.size({ default: '100000000', doc: 'Size of the files in S3 (1M..50G); below 10 MB every file is sent with PutObject' }),
  upload_chunk_size: opt.size({ default: '5242880', doc: 'Size of each part of a multipart upload (5,242,880 bytes..50M, 5G compressed)' }),
  upload_timeout: opt.time({ default: '10m', doc: 'Complete an upload and start a new file after this long' }),
  store_dir: opt.string({ default: '/tmp/fluent-bit/s3', doc: 'Directory where data is buffered before it is uploaded (and found again after a restart)' }),
  store_dir_limit_size: opt.size({ doc: 'Most bytes buffered in store_dir (0 = unlimited); a full buffer makes the chunk retry' }),
  s3_key_format: opt.string({
    default: '/fluent-bit-logs/$TAG/%Y/%m/%d/%H/%M/%S',
    doc: 'Object key: strftime conversions, $TAG, $TAG[0]..$TAG[9], $INDEX, $UUID; must start with /',
  }),
  s3_key_format_tag_delimiters: opt.string({ default: '.', doc: 'Characters that split the tag into the parts $TAG[n] names' }),
  static_file_path: opt.bool({ default: 'false', doc: 'Do not append -object<random> to keys without $UUID or $INDEX' }),
  use_put_object: opt.bool({ default: 'false', doc: 'Upload each file with one PutObject instead of a multipart upload' }),
  send_content_md5: opt.bool({ default: 'false', doc: 'Send Content-MD5 with each object and part (required with S3 Object Lock)' }),
  auto_retry_requests: opt.bool({ default: 'true', doc: 'Retry a failed request once immediately, before the normal retry schedule' }),
  preserve_data_ordering: unsupportedWhen(opt.bool({ default: 'true', doc: 'Upload the files of a tag in order, through one queue' }), {
    when: (v) => !v,
    values: 'Off',
    reason: 'uploads always go through the ordered queue',
    severity: 'warning',
  }),
  log_key: opt.string({ doc: 'Upload only the value of this record key (strings as they are, others as JSON), one per line' }),
  compression: unsupportedWhen(
    opt.enum({ values: ['gzip', 'zstd', 'arrow', 'parquet'] as const, doc: 'Compress each file: gzip (Content-Encoding: gzip), zstd, arrow or parquet' }),
    { when: (c) => c === 'arrow' || c === 'parquet', values: 'arrow, parquet', reason: 'they need a Fluent Bit built with Apache Arrow; logferry has no Arrow/Parquet writer (use gzip)', severity: 'error' },
    { when: (c) => c === 'zstd' && !hasZstd, values: 'zstd on Node.js older than 22.15', reason: 'zstd needs Node.js 22.15 or later (node:zlib zstd); use gzip or a newer Node.js', severity: 'error' },
  ),
  content_type: opt.string({ doc: 'Content-Type of the objects' }),
  canned_acl: opt.string({ doc: 'Canned ACL of the objects (x-amz-acl), e.g. bucket-owner-full-control' }),
  storage_class: opt.string({ doc: 'Storage class of the objects (x-amz-storage-class); default STANDARD' }),
  blob_database_file: opt.unsupported({ doc: 'Database of blob file uploads', reason: BLOB }),
  part_size: opt.unsupported({ doc: 'Part size of blob file uploads', reason: BLOB }),
  file_delivery_attempt_limit: opt.unsupported({ doc: 'Attempts per blob file', reason: BLOB }),
  part_delivery_attempt_limit: opt.unsupported({ doc: 'Attempts per blob file part', reason: BLOB }),
  upload_parts_timeout: opt.unsupported({ doc: 'Timeout to upload the parts of a blob file', reason: BLOB }),
  upload_part_freshness_limit: opt.unsupported({ doc: 'Most age of an uncommitted blob file part', reason: BLOB }),
  authorization_endpoint_url: opt.unsupported({ doc: 'Endpoint giving pre-signed URLs for blob uploads', reason: BLOB }),
  authorization_endpoint_username: opt.unsupported({ doc: 'Basic authentication user of authorization_endpoint_url', reason: BLOB }),
  authorization_endpoint_password: opt.unsupported({ doc: 'Basic authentication password of authorization_endpoint_url', reason: BLOB }),
  authorization_endpoint_bearer_token: opt.unsupported({ doc: 'Bearer token of authorization_endpoint_url', reason: BLOB }),
  workers: opt.int({ default: '1', min: 0, doc: 'Worker threads flushing this output' }),
} as const satisfies OptionTable;

/** The typed options the `s3` runtime receives (common keys included). */
export type S3Options = OptionsOfTable<'output', typeof S3_OPTIONS>;

/** Whether files go with PutObject: use_put_object, or a total_file_size under two parts (Fluent Bit switches then). */
export function usesPutObject(o: Pick<S3Options, 'use_put_object' | 'total_file_size'>): boolean {
  return o.use_put_object || o.total_file_size < 2 * S3_SIZES.minChunk;
}

/** The sizes as cb_s3_init refuses them: the first problem, or undefined. */
export function sizeProblem(o: Pick<S3Options, 'use_put_object' | 'total_file_size' | 'upload_chunk_size' | 'compression'>): { key: string; message: string } | undefined {
  const file = o.total_file_size;
  const chunk = o.upload_chunk_size;
  if (file < S3_SIZES.minFile) return { key: 'total_file_size', message: 'total_file_size must be at least 1MB' };
  if (file > S3_SIZES.maxFile) return { key: 'total_file_size', message: 'Max total_file_size is 50,000,000,000 bytes' };
  const putObject = usesPutObject(o);
  if (!putObject) {
    if (chunk <= 0) return { key: 'upload_chunk_size', message: 'upload_chunk_size must be greater than 0' };
    if (chunk > file) return { key: 'upload_chunk_size', message: 'upload_chunk_size can not be larger than total_file_size' };
    if (chunk < S3_SIZES.minChunk) return { key: 'upload_chunk_size', message: 'upload_chunk_size must be at least 5,242,880 bytes' };
    if (o.compression !== undefined && chunk > S3_SIZES.maxChunkCompressed) return { key: 'upload_chunk_size', message: 'upload_chunk_size in compressed multipart upload cannot exceed 5GB' };
    if (o.compression === undefined && chunk > S3_SIZES.maxChunk) return { key: 'upload_chunk_size', message: 'Max upload_chunk_size is 50MB' };
  }
  if (chunk !== S3_SIZES.minChunk && chunk * 2 > file) return { key: 'total_file_size', message: 'total_file_size is less than 2x upload_chunk_size' };
  if (putObject && file > S3_SIZES.maxFilePutObject) return { key: 'total_file_size', message: 'Max total_file_size is 50M when use_put_object is enabled' };
  return undefined;
}

/** The startup checks of out_s3 that span keys: Fluent Bit refuses to start on each. */
export function checkS3(o: S3Options, ctx: CheckContext): void {
  if (!o.s3_key_format.startsWith('/')) {
    ctx.report('invalid-value', "'s3_key_format' must start with a '/'", { key: 's3_key_format', hint: 'object keys are written after the bucket, e.g. /logs/$TAG/%Y/%m/%d', severity: 'error' });
  }
  if (ctx.isSet('storage.total_limit_size')) {
    ctx.report('ineffective-option', "use 'store_dir_limit_size' with the s3 output instead of 'storage.total_limit_size': s3 keeps its own buffer files in store_dir", {
      key: 'storage.total_limit_size',
      hint: 'the engine hands each chunk to s3 as soon as it is written to store_dir, so little waits in the engine',
      severity: 'warning',
    });
  }
  const problem = sizeProblem(o);
  if (problem) ctx.report('invalid-value', problem.message, { key: problem.key, hint: 'Fluent Bit refuses to start with these sizes', severity: 'error' });
}
