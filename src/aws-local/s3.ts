/**
 * Amazon S3 (the REST protocol: the operation is the method, the path and the query; XML replies)
 * for the s3 output: PutObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, and GetObject / HeadObject / ListObjectsV2 / ListBuckets to look at what
 * arrived. Buckets are addressed path-style (`/bucket/key`) or virtual-host-style
 * (`bucket.localhost:port/key`, `bucket.s3.<region>.amazonaws.com/key`). As for the other services
 * the SigV4 `Authorization` header must be there with a credential scope (the signature itself is not
 * recomputed); a signed payload hash (`x-amz-content-sha256`) and a `Content-MD5` must match the body.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from './protocol.js';
import type { ServiceContext } from './service.js';
import type { S3BucketState, S3ObjectState } from './types.js';
import { xmlEscape } from './sts.js';

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** What S3 enforces that the s3 output meets: parts of at least 5 MiB but the last, at most 10,000 of them. */
export const S3_LIMITS = { minPartBytes: 5 * 1024 * 1024, maxParts: 10_000, maxKeyBytes: 1024 } as const;

const STORAGE_CLASSES = new Set(['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE']);
const CANNED_ACLS = new Set(['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write']);

/** The calls that carry data: only these see faults. */
export const S3_DATA_OPERATIONS: ReadonlySet<string> = new Set(['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']);

/** A reply of the S3 service (binary bodies for GetObject). */
export interface S3Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Which operation a request is, on which bucket and key. */
export interface S3Request {
  operation: string;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
}

/** True when a request is for S3: signed for the `s3` service, or a plain GET/PUT/DELETE/HEAD (no JSON target, no Query action). */
export function isS3Request(req: IncomingMessage): boolean {
  const scope = /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\/aws4_request/.exec(req.headers.authorization ?? '');
  if (scope) return scope[1] === 's3';
  if (req.headers['x-amz-target'] !== undefined) return false;
  if (req.method === 'POST') return false;
  return !new URL(req.url ?? '/', 'http://local').searchParams.has('Action');
}

/** The bucket named by a virtual-host-style Host header, if it is one. */
function virtualHostBucket(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const name = host.replace(/:\d+$/, '');
  const m = /^(.+?)\.(?:localhost|s3(?:[.-][^]*)?\.amazonaws\.com(?:\.cn)?|s3\.[^]+)$/.exec(name);
  return m && !/^\d+(\.\d+){3}$/.test(name) ? m[1] : undefined;
}

/** The operation, bucket and key of a request (method + path + query, as S3's REST API routes them). */
export function routeS3(req: IncomingMessage): S3Request {
  const url = new URL(req.url ?? '/', 'http://local');
  const query = url.searchParams;
  const path = url.pathname;
  let bucket = virtualHostBucket(req.headers.host);
  let rest: string;
  if (bucket !== undefined) {
    rest = path.slice(1);
  } else {
    const slash = path.indexOf('/', 1);
    bucket = path === '/' ? undefined : decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
    rest = slash < 0 ? '' : path.slice(slash + 1);
  }
  const key = rest === '' ? undefined : decodeURIComponent(rest);
  const method = req.method ?? 'GET';
  const op = (name: string): S3Request => ({ operation: name, bucket, key, query });
  if (bucket === undefined) return op(method === 'GET' ? 'ListBuckets' : 'Unknown');
  if (key === undefined) {
    if (method === 'GET') return op('ListObjectsV2');
    if (method === 'PUT') return op('CreateBucket');
    if (method === 'HEAD') return op('HeadBucket');
    return op('Unknown');
  }
  if (method === 'PUT') return op(query.has('uploadId') || query.has('partNumber') ? 'UploadPart' : 'PutObject');
  if (method === 'POST' && query.has('uploads')) return op('CreateMultipartUpload');
  if (method === 'POST' && query.has('uploadId')) return op('CompleteMultipartUpload');
  if (method === 'DELETE' && query.has('uploadId')) return op('AbortMultipartUpload');
  if (method === 'DELETE') return op('DeleteObject');
  if (method === 'GET') return op('GetObject');
  if (method === 'HEAD') return op('HeadObject');
  return op('Unknown');
}

function xml(status: number, body: string, headers: Record<string, string> = {}): S3Reply {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

/** S3's XML error document. */
export function s3ErrorReply(err: AwsServiceError, requestId: string, resource: string): S3Reply {
  return xml(err.status, `<Error><Code>${xmlEscape(err.type)}</Code><Message>${xmlEscape(err.message)}</Message><Resource>${xmlEscape(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`);
}

/** The fault of a data call as S3 answers it: 503 SlowDown when throttled, 500 InternalError / 503 ServiceUnavailable. */
export function s3Fault(ctx: ServiceContext): AwsServiceError | undefined {
  const fault = ctx.faults.call();
  if (fault.kind === 'throttle') return new AwsServiceError('SlowDown', 'Please reduce your request rate.', 503);
  if (fault.kind === 'server-error') {
    return fault.status === 500 ? new AwsServiceError('InternalError', 'We encountered an internal error. Please try again.', 500) : new AwsServiceError('ServiceUnavailable', 'Service is unable to handle request.', 503);
  }
  return undefined;
}

const md5 = (data: Buffer): Buffer => createHash('md5').update(data).digest();
const quotedMd5 = (data: Buffer): string => `"${md5(data).toString('hex')}"`;

/** Checks `x-amz-content-sha256` (when it is a hash) and `Content-MD5` against the body. */
function checkBody(req: IncomingMessage, body: Buffer): void {
  const sha = req.headers['x-amz-content-sha256'];
  if (typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha) && createHash('sha256').update(body).digest('hex') !== sha) {
    throw new AwsServiceError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const contentMd5 = req.headers['content-md5'];
  if (typeof contentMd5 === 'string') {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(contentMd5)) throw new AwsServiceError('InvalidDigest', 'The Content-MD5 you specified was invalid.');
    if (md5(body).toString('base64') !== contentMd5) throw new AwsServiceError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** The object attributes a PutObject / CreateMultipartUpload sets from its headers (checked as S3 checks them). */
function objectAttributes(req: IncomingMessage): Pick<S3ObjectState, 'contentType' | 'contentEncoding' | 'storageClass' | 'acl'> {
  const storageClass = header(req, 'x-amz-storage-class') ?? 'STANDARD';
  if (!STORAGE_CLASSES.has(storageClass)) throw new AwsServiceError('InvalidStorageClass', 'The storage class you specified is not valid');
  const acl = header(req, 'x-amz-acl');
  if (acl !== undefined && !CANNED_ACLS.has(acl)) throw new AwsServiceError('InvalidArgument', `Invalid canned ACL: ${acl}`);
  return { contentType: header(req, 'content-type') ?? 'binary/octet-stream', contentEncoding: header(req, 'content-encoding'), storageClass, acl };
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The bucket of a request; unknown ones are created when `createStreams` is on, else NoSuchBucket. */
function bucketOf(r: S3Request, ctx: ServiceContext): S3BucketState {
  const name = r.bucket ?? '';
  const bucket = ctx.state.s3Buckets.get(name);
  if (bucket) return bucket;
  if (!BUCKET_NAME.test(name)) throw new AwsServiceError('InvalidBucketName', 'The specified bucket is not valid.');
  if (!ctx.createStreams) throw new AwsServiceError('NoSuchBucket', 'The specified bucket does not exist', 404);
  return declareBucket(ctx, name);
}

/** Declares a bucket (no-op when it exists). */
export function declareBucket(ctx: Pick<ServiceContext, 'state' | 'writer' | 'now'>, name: string): S3BucketState {
  let bucket = ctx.state.s3Buckets.get(name);
  if (!bucket) {
    bucket = { name, creationTime: ctx.now(), objects: new Map() };
    ctx.state.s3Buckets.set(name, bucket);
    ctx.writer?.createBucket(name);
  }
  return bucket;
}

function keyOf(r: S3Request): string {
  const key = r.key ?? '';
  if (Buffer.byteLength(key) > S3_LIMITS.maxKeyBytes) throw new AwsServiceError('KeyTooLongError', 'Your key is too long');
  return key;
}

function storeObject(ctx: ServiceContext, bucket: S3BucketState, object: S3ObjectState): void {
  ctx.writer?.writeObject(bucket.name, object);
  bucket.objects.set(object.key, object);
}

function putObject(r: S3Request, req: IncomingMessage, body: Buffer, ctx: ServiceContext): S3Reply {
  const bucket = bucketOf(r, ctx);
  const key = keyOf(r);
  checkBody(req, body);
  const object: S3ObjectState = { key, data: body, etag: quotedMd5(body), lastModified: ctx.now(), ...objectAttributes(req) };
  storeObject(ctx, bucket, object);
  return { status: 200, headers: { etag: object.etag }, body: '' };
}

function uploadOf(r: S3Request, ctx: ServiceContext) {
  const id = r.query.get('uploadId') ?? '';
  const upload = ctx.state.s3Uploads.get(id);
  if (!upload || upload.bucket !== r.bucket || upload.key !== r.key) {
    throw new AwsServiceError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404);
  }
  return upload;
}

function createMultipartUpload(r: S3Request, req: IncomingMessage, ctx: ServiceContext): S3Reply {
  const bucket = bucketOf(r, ctx);
  const key = keyOf(r);
  const uploadId = randomBytes(24).toString('base64url');
  ctx.state.s3Uploads.set(uploadId, { uploadId, bucket: bucket.name, key, parts: new Map(), initiated: ctx.now(), attributes: objectAttributes(req) });
  return xml(200, `<InitiateMultipartUploadResult xmlns="${XMLNS}"><Bucket>${xmlEscape(bucket.name)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
}

function uploadPart(r: S3Request, req: IncomingMessage, body: Buffer, ctx: ServiceContext): S3Reply {
  const upload = uploadOf(r, ctx);
  const n = Number(r.query.get('partNumber'));
  if (!Number.isInteger(n) || n < 1 || n > S3_LIMITS.maxParts) throw new AwsServiceError('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  checkBody(req, body);
  const part = { data: body, etag: quotedMd5(body) };
  upload.parts.set(n, part);
  return { status: 200, headers: { etag: part.etag }, body: '' };
}

/** The parts a CompleteMultipartUpload body lists, in order. */
function listedParts(body: Buffer): { n: number; etag: string }[] {
  const text = body.toString('utf8');
  if (!/<CompleteMultipartUpload[\s>]/.test(text)) throw new AwsServiceError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  const parts: { n: number; etag: string }[] = [];
  for (const m of text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const n = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1]!);
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(m[1]!);
    if (!n || !etag) throw new AwsServiceError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    parts.push({ n: Number(n[1]), etag: etag[1]!.trim().replace(/&quot;|&#34;/g, '"') });
  }
  if (parts.length === 0) throw new AwsServiceError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  return parts;
}

function completeMultipartUpload(r: S3Request, body: Buffer, ctx: ServiceContext): S3Reply {
  const upload = uploadOf(r, ctx);
  const bucket = bucketOf(r, ctx);
  const listed = listedParts(body);
  if (listed.some((p, i) => i > 0 && p.n <= listed[i - 1]!.n)) {
    throw new AwsServiceError('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
  }
  const datas = listed.map(({ n, etag }, i) => {
    const part = upload.parts.get(n);
    const bare = (e: string) => e.replace(/"/g, '');
    if (!part || bare(part.etag) !== bare(etag)) throw new AwsServiceError('InvalidPart', "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.");
    if (i < listed.length - 1 && part.data.length < S3_LIMITS.minPartBytes) throw new AwsServiceError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    return part.data;
  });
  const data = Buffer.concat(datas);
  const etag = `"${md5(Buffer.concat(listed.map((p) => Buffer.from(p.etag.replace(/"/g, ''), 'hex')))).toString('hex')}-${listed.length}"`;
  storeObject(ctx, bucket, { key: upload.key, data, etag, lastModified: ctx.now(), ...upload.attributes });
  ctx.state.s3Uploads.delete(upload.uploadId);
  return xml(200, `<CompleteMultipartUploadResult xmlns="${XMLNS}"><Bucket>${xmlEscape(bucket.name)}</Bucket><Key>${xmlEscape(upload.key)}</Key><ETag>${xmlEscape(etag)}</ETag></CompleteMultipartUploadResult>`);
}

function abortMultipartUpload(r: S3Request, ctx: ServiceContext): S3Reply {
  const upload = uploadOf(r, ctx);
  ctx.state.s3Uploads.delete(upload.uploadId);
  return { status: 204, headers: {}, body: '' };
}

function existingObject(r: S3Request, ctx: ServiceContext): S3ObjectState {
  const object = ctx.state.s3Buckets.get(r.bucket ?? '')?.objects.get(r.key ?? '');
  if (!object) throw new AwsServiceError('NoSuchKey', 'The specified key does not exist.', 404);
  return object;
}

function objectHeaders(o: S3ObjectState): Record<string, string> {
  return {
    'content-type': o.contentType,
    etag: o.etag,
    'last-modified': new Date(o.lastModified).toUTCString(),
    ...(o.contentEncoding ? { 'content-encoding': o.contentEncoding } : {}),
    ...(o.storageClass !== 'STANDARD' ? { 'x-amz-storage-class': o.storageClass } : {}),
  };
}

function listObjectsV2(r: S3Request, ctx: ServiceContext): S3Reply {
  const bucket = bucketOf(r, ctx);
  const prefix = r.query.get('prefix') ?? '';
  const max = Math.min(Math.max(Number(r.query.get('max-keys') ?? '1000') || 0, 0), 1000);
  const after = r.query.get('continuation-token') ?? r.query.get('start-after') ?? '';
  const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const page = keys.slice(0, max);
  const truncated = keys.length > page.length;
  const contents = page
    .map((k) => {
      const o = bucket.objects.get(k)!;
      return `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${new Date(o.lastModified).toISOString()}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.data.length}</Size><StorageClass>${o.storageClass}</StorageClass></Contents>`;
    })
    .join('');
  const next = truncated ? `<NextContinuationToken>${xmlEscape(page.at(-1)!)}</NextContinuationToken>` : '';
  return xml(200, `<ListBucketResult xmlns="${XMLNS}"><Name>${xmlEscape(bucket.name)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`);
}

function listBuckets(ctx: ServiceContext): S3Reply {
  const buckets = [...ctx.state.s3Buckets.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((b) => `<Bucket><Name>${xmlEscape(b.name)}</Name><CreationDate>${new Date(b.creationTime).toISOString()}</CreationDate></Bucket>`)
    .join('');
  return xml(200, `<ListAllMyBucketsResult xmlns="${XMLNS}"><Owner><ID>000000000000</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
}

/** Runs one S3 operation (after authorization and faults); throws AwsServiceError for S3's error replies. */
export function s3Operation(r: S3Request, req: IncomingMessage, body: Buffer, ctx: ServiceContext): S3Reply {
  switch (r.operation) {
    case 'PutObject':
      if (req.headers['x-amz-copy-source'] !== undefined) throw new AwsServiceError('NotImplemented', 'CopyObject is not implemented by aws-local', 501);
      return putObject(r, req, body, ctx);
    case 'CreateMultipartUpload':
      return createMultipartUpload(r, req, ctx);
    case 'UploadPart':
      return uploadPart(r, req, body, ctx);
    case 'CompleteMultipartUpload':
      return completeMultipartUpload(r, body, ctx);
    case 'AbortMultipartUpload':
      return abortMultipartUpload(r, ctx);
    case 'GetObject': {
      const o = existingObject(r, ctx);
      return { status: 200, headers: objectHeaders(o), body: o.data };
    }
    case 'HeadObject': {
      const o = existingObject(r, ctx);
      return { status: 200, headers: { ...objectHeaders(o), 'content-length': String(o.data.length) }, body: '' };
    }
    case 'ListObjectsV2':
      return listObjectsV2(r, ctx);
    case 'ListBuckets':
      return listBuckets(ctx);
    case 'CreateBucket':
      if (!BUCKET_NAME.test(r.bucket ?? '')) throw new AwsServiceError('InvalidBucketName', 'The specified bucket is not valid.');
      declareBucket(ctx, r.bucket!);
      return { status: 200, headers: { location: `/${r.bucket}` }, body: '' };
    case 'HeadBucket':
      bucketOf(r, ctx);
      return { status: 200, headers: {}, body: '' };
    default:
      throw new AwsServiceError('NotImplemented', `A header or query you provided implies functionality that is not implemented (${req.method} ${req.url})`, 501);
  }
}
