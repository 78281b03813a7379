/**
 * The local S3 endpoint, driven by the s3 output's SigV4 client (the AWS SDK's S3 client is not a
 * dependency) and by plain HTTP requests for what that client never sends (virtual-host style,
 * missing or wrong signatures).
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../src/aws-local/index.js';
import { awsLocalCommand } from '../../src/cli/aws-local.js';
import { S3Client, type S3Call } from '../../src/plugins/outputs/s3/s3-client.js';
import type { S3Options } from '../../src/plugins/outputs/s3/options.js';
import { planFrom } from '../support/pipeline.js';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';
import { LOCAL_CREDENTIALS } from '../plugins/outputs/aws/use-aws-local.js';

Object.assign(process.env, LOCAL_CREDENTIALS);

/** The s3 output's client for `bucket` at `endpoint`, with its options from a config section. */
function clientFor(endpoint: string, bucket: string, autoRetry = false): S3Client {
  const plan = planFrom(`[OUTPUT]\n    Name s3\n    Match *\n    bucket ${bucket}\n    endpoint ${endpoint}\n    auto_retry_requests ${autoRetry ? 'on' : 'off'}\n`);
  return new S3Client(plan.outputs[0]!.options as unknown as S3Options);
}

async function failure(client: S3Client, call: S3Call): Promise<string> {
  try {
    await client.send(call);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the call to fail');
}

/** A raw request (no signing: aws-local only reads the credential scope). */
function raw(aws: AwsLocal, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${aws.endpoint}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const SCOPE = 'AWS4-HMAC-SHA256 Credential=AKIDLOCAL/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00';
const MIB = 1024 * 1024;

describe('aws-local S3', () => {
  const tmp = useTempDir('aws-local-s3-');

  it('PutObject then GetObject and ListObjectsV2, path-style and virtual-host-style, kept in the data dir across a restart', async () => {
    let aws = await startAwsLocal({ dataDir: tmp.path });
    const s3 = clientFor(aws.endpoint, 'logs');
    try {
      await s3.send({ operation: 'PutObject', method: 'PUT', key: '/a/b c+1.txt', headers: { 'content-type': 'text/plain', 'x-amz-storage-class': 'STANDARD_IA' }, body: Buffer.from('hello\n') });
      const got = await s3.send({ operation: 'GetObject', method: 'GET', key: '/a/b c+1.txt' });
      expect({ body: got.body.toString(), type: got.headers['content-type'], etag: got.headers.etag }).toEqual({ body: 'hello\n', type: 'text/plain', etag: `"${createHash('md5').update('hello\n').digest('hex')}"` });
      const virtual = await raw(aws, 'PUT', '/v/key.log', { host: `logs.localhost:${aws.port}`, authorization: SCOPE }, 'virtual\n');
      expect(virtual.status).toBe(200);
      const list = await raw(aws, 'GET', '/logs?list-type=2&prefix=v/', { authorization: SCOPE });
      expect(list.body).toContain('<Key>v/key.log</Key>');
      expect(list.body).not.toContain('a/b c+1.txt');
    } finally {
      s3.close();
      await aws.close();
    }
    aws = await startAwsLocal({ dataDir: tmp.path });
    try {
      expect(aws.store.s3Objects('logs').map((o) => [o.key, o.data.toString(), o.storageClass])).toEqual([
        ['a/b c+1.txt', 'hello\n', 'STANDARD_IA'],
        ['v/key.log', 'virtual\n', 'STANDARD'],
      ]);
    } finally {
      await aws.close();
    }
    const out = { stdout: '', stderr: '' };
    const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: {}, cwd: REPO_ROOT };
    expect(await awsLocalCommand(['s3', 'ls', '--data-dir', tmp.path], io)).toBe(0);
    expect(await awsLocalCommand(['s3', 'ls', 'logs/v/', '--data-dir', tmp.path], io)).toBe(0);
    expect(await awsLocalCommand(['s3', 'cat', 'logs/a/b c+1.txt', '--data-dir', tmp.path], io)).toBe(0);
    expect(out.stdout).toMatch(/^logs\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +8 v\/key\.log\nhello\n$/);
    expect(await awsLocalCommand(['s3', 'cat', 'logs/missing', '--data-dir', tmp.path], io)).toBe(1);
    expect(out.stderr).toContain("no object 'missing' in bucket 'logs'");
    expect(await awsLocalCommand(['s3', 'ls', 'nope', '--data-dir', tmp.path], io)).toBe(1);
    for (const args of [['s3'], ['s3', 'cat'], ['s3', 'rm', 'logs/x'], ['s3', 'ls', 'a', 'b']]) {
      out.stderr = '';
      expect(await awsLocalCommand([...args, '--data-dir', tmp.path], io), args.join(' ')).toBe(2);
      expect(out.stderr).toContain('s3 needs ls');
    }
  });

  it('a multipart upload: parts in order, each but the last of 5 MiB or more, completed into one object whose ETag counts the parts', async () => {
    const aws = await startAwsLocal({ dataDir: tmp.path });
    const s3 = clientFor(aws.endpoint, 'multi');
    try {
      const created = await s3.send({ operation: 'CreateMultipartUpload', method: 'POST', key: '/big.gz', query: { uploads: '' }, headers: { 'content-encoding': 'gzip' } });
      const uploadId = /<UploadId>(.+)<\/UploadId>/.exec(created.body.toString())![1]!;
      const parts = [Buffer.alloc(5 * MIB, 'a'), Buffer.alloc(5 * MIB, 'b'), Buffer.from('c')].map((p) => gzipSync(p, { level: 0 }));
      const etags: string[] = [];
      for (const [i, body] of parts.entries()) etags.push((await s3.send({ operation: 'UploadPart', method: 'PUT', key: '/big.gz', query: { partNumber: String(i + 1), uploadId }, body })).headers.etag as string);
      const xml = (list: number[]) => Buffer.from(`<CompleteMultipartUpload>${list.map((n) => `<Part><PartNumber>${n}</PartNumber><ETag>${etags[n - 1]}</ETag></Part>`).join('')}</CompleteMultipartUpload>`);
      const complete = (list: number[]): S3Call => ({ operation: 'CompleteMultipartUpload', method: 'POST', key: '/big.gz', query: { uploadId }, body: xml(list) });
      expect(await failure(s3, complete([2, 1, 3]))).toMatch(/InvalidPartOrder/);
      expect(await failure(s3, complete([1, 3, 2]))).toMatch(/InvalidPartOrder/);
      await s3.send(complete([1, 2, 3]));
      const [o] = aws.store.s3Objects('multi');
      expect({ size: o!.data.length, etag: o!.etag.slice(-3), encoding: o!.contentEncoding }).toEqual({ size: parts.reduce((n, p) => n + p.length, 0), etag: '-3"', encoding: 'gzip' });
      expect(aws.store.s3Uploads()).toEqual([]);
      expect(await failure(s3, complete([1, 2, 3]))).toMatch(/NoSuchUpload/);
    } finally {
      s3.close();
      await aws.close();
    }
  });

  it('refuses small parts (EntityTooSmall), unknown parts (InvalidPart); AbortMultipartUpload forgets the upload', async () => {
    const aws = await startAwsLocal();
    const s3 = clientFor(aws.endpoint, 'small');
    try {
      const create = async () => /<UploadId>(.+)<\/UploadId>/.exec((await s3.send({ operation: 'CreateMultipartUpload', method: 'POST', key: '/k', query: { uploads: '' } })).body.toString())![1]!;
      const id = await create();
      const e1 = (await s3.send({ operation: 'UploadPart', method: 'PUT', key: '/k', query: { partNumber: '1', uploadId: id }, body: Buffer.from('x') })).headers.etag as string;
      const e2 = (await s3.send({ operation: 'UploadPart', method: 'PUT', key: '/k', query: { partNumber: '2', uploadId: id }, body: Buffer.from('y') })).headers.etag as string;
      const body = (parts: [number, string][]) => Buffer.from(`<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`);
      expect(await failure(s3, { operation: 'CompleteMultipartUpload', method: 'POST', key: '/k', query: { uploadId: id }, body: body([[1, e1], [2, e2]]) })).toMatch(/EntityTooSmall/);
      expect(await failure(s3, { operation: 'CompleteMultipartUpload', method: 'POST', key: '/k', query: { uploadId: id }, body: body([[1, e2]]) })).toMatch(/InvalidPart/);
      await s3.send({ operation: 'AbortMultipartUpload', method: 'DELETE', key: '/k', query: { uploadId: id } });
      expect(aws.store.s3Uploads()).toEqual([]);
      expect(await failure(s3, { operation: 'UploadPart', method: 'PUT', key: '/k', query: { partNumber: '3', uploadId: id }, body: Buffer.from('z') })).toMatch(/NoSuchUpload/);
      expect(aws.store.s3Objects('small')).toEqual([]);
    } finally {
      s3.close();
      await aws.close();
    }
  });

  it('checks Content-MD5 and x-amz-content-sha256 against the body, the storage class and canned ACL; no Authorization is 403', async () => {
    const aws = await startAwsLocal({ createStreams: false, buckets: ['only'] });
    const s3 = clientFor(aws.endpoint, 'only');
    try {
      expect(await failure(s3, { operation: 'PutObject', method: 'PUT', key: '/k', headers: { 'content-md5': createHash('md5').update('other').digest('base64') }, body: Buffer.from('x') })).toMatch(/BadDigest/);
      expect(await failure(s3, { operation: 'PutObject', method: 'PUT', key: '/k', headers: { 'x-amz-storage-class': 'COLD' }, body: Buffer.from('x') })).toMatch(/InvalidStorageClass/);
      expect(await failure(s3, { operation: 'PutObject', method: 'PUT', key: '/k', headers: { 'x-amz-acl': 'everyone' }, body: Buffer.from('x') })).toMatch(/InvalidArgument/);
      const sha = await raw(aws, 'PUT', '/only/k', { authorization: SCOPE, 'x-amz-content-sha256': '0'.repeat(64) }, 'body');
      expect({ status: sha.status, code: /<Code>(\w+)<\/Code>/.exec(sha.body)?.[1] }).toEqual({ status: 400, code: 'XAmzContentSHA256Mismatch' });
      const anonymous = await raw(aws, 'PUT', '/only/k', {}, 'body');
      expect({ status: anonymous.status, code: /<Code>(\w+)<\/Code>/.exec(anonymous.body)?.[1] }).toEqual({ status: 403, code: 'AccessDenied' });
      const other = clientFor(aws.endpoint, 'missing');
      expect(await failure(other, { operation: 'PutObject', method: 'PUT', key: '/k', body: Buffer.from('x') })).toMatch(/NoSuchBucket/);
      other.close();
      expect(aws.store.s3Objects('only')).toEqual([]);
    } finally {
      s3.close();
      await aws.close();
    }
  });

  it('faults: throttling is 503 SlowDown, server errors 500 InternalError or 503 ServiceUnavailable, decided before anything is stored', async () => {
    const aws = await startAwsLocal({ faults: { throttle: 0.5, serverError: 0.5 }, seed: 3 });
    const s3 = clientFor(aws.endpoint, 'faulty');
    const seen = new Set<string>();
    let stored = 0;
    try {
      for (let i = 0; i < 40; i++) {
        try {
          await s3.send({ operation: 'PutObject', method: 'PUT', key: `/k${i}`, body: Buffer.from('x') });
          stored++;
        } catch (err) {
          seen.add(/failed: (\w+)/.exec((err as Error).message)?.[1] ?? (err as Error).message);
        }
      }
      expect([...seen].sort()).toEqual(['InternalError', 'ServiceUnavailable', 'SlowDown']);
      expect(aws.store.s3Objects('faulty')).toHaveLength(stored);
      expect(stored).toBeGreaterThan(0);
    } finally {
      s3.close();
      await aws.close();
    }
  });

  it("the s3 output's client: auto_retry_requests is one immediate retry of a throttled or failed request, none when off", async () => {
    const aws = await startAwsLocal({ faults: { throttle: 1 } });
    const once = clientFor(aws.endpoint, 'retry');
    const twice = clientFor(aws.endpoint, 'retry', true);
    try {
      expect(await failure(once, { operation: 'PutObject', method: 'PUT', key: '/k', body: Buffer.from('x') })).toMatch(/SlowDown/);
      expect(aws.store.requests('PutObject')).toBe(1);
      expect(await failure(twice, { operation: 'PutObject', method: 'PUT', key: '/k', body: Buffer.from('x') })).toMatch(/SlowDown/);
      expect(aws.store.requests('PutObject')).toBe(3);
      aws.setFaults({});
      await twice.send({ operation: 'PutObject', method: 'PUT', key: '/k', body: Buffer.from('x') });
      expect(aws.store.requests('PutObject')).toBe(4);
    } finally {
      once.close();
      twice.close();
      await aws.close();
    }
  });
});
