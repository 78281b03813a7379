import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amzDate, CONTENT_LENGTH_UNSIGNED, SigV4Signer, type SigningCredentials } from '../../../../src/plugins/outputs/shared/aws-signer.js';
import { encodeKeyPath } from '../../../../src/plugins/outputs/s3/s3-client.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 200);

/** Headers @smithy/signature-v4 never signs, or sets itself: the generated ones avoid them. */
const RESERVED = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma', 'referer', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256',
]);

const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((n) => !RESERVED.has(n));
/** Printable ASCII with leading, trailing and repeated spaces (canonicalized by both). */
const headerValue = fc.string({ unit: fc.constantFrom(...' \tabcXYZ019-_.:/;=,"'.split('')), maxLength: 30 });
const body = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)));
const segment = fc.string({ unit: fc.constantFrom(...'az09-_.~ %+é/'.split('')), maxLength: 8 }).map((s) => s.replace(/\//g, ''));
const path = fc.array(segment, { maxLength: 3 }).map((segments) => `/${segments.join('/')}`);
const credentials: fc.Arbitrary<SigningCredentials> = fc.record(
  {
    accessKeyId: fc.stringMatching(/^AKID[A-Z0-9]{4,16}$/),
    secretAccessKey: fc.string({ minLength: 1, maxLength: 40 }),
    sessionToken: fc.string({ unit: fc.constantFrom(...'abcXYZ019+/='.split('')), minLength: 1, maxLength: 40 }),
  },
  { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
);
const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));

describe('SigV4 signing of the AWS data-plane client', () => {
  it('gives the Authorization header @smithy/signature-v4 gives, for random bodies, headers, paths, credentials and dates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('logs', 'firehose', 'kinesis'),
        fc.constantFrom('us-east-1', 'eu-west-3', 'cn-north-1'),
        fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
        body,
        path,
        credentials,
        date,
        async (service, region, extra, payload, requestPath, creds, at) => {
          const headers = { ...extra, host: 'logs.example.com:4566', 'content-type': 'application/x-amz-json-1.1' };
          const ours = new SigV4Signer(region, service).sign({ method: 'POST', path: requestPath, headers, body: payload }, creds, at);
          const smithy = new SignatureV4({ service, region, credentials: creds, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: false });
          const signed = await smithy.sign(new HttpRequest({ method: 'POST', protocol: 'https:', hostname: 'logs.example.com', port: 4566, path: requestPath, headers, body: payload }), { signingDate: at });
          expect(ours['authorization']).toBe(signed.headers['authorization']);
          expect(ours['x-amz-date']).toBe(signed.headers['x-amz-date']);
          expect(ours['x-amz-security-token']).toBe(signed.headers['x-amz-security-token']);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('signs as @smithy/signature-v4 does the way es/opensearch and the http output ask: query, payload hash header, unsigned Content-Length, never-signed headers', async () => {
    const queryPart = fc.string({ unit: fc.constantFrom(...'az09-_.~ %+=&é'.split('')), maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
        fc.dictionary(queryPart, queryPart, { maxKeys: 4 }),
        body,
        path,
        credentials,
        date,
        async (extra, query, payload, requestPath, creds, at) => {
          const headers = { ...extra, host: 'search.example.com', 'content-length': '12', 'user-agent': 'Fluent-Bit', 'content-type': 'application/x-ndjson' };
          const ours = new SigV4Signer('eu-west-1', 'es').sign(
            { method: 'POST', path: requestPath, query, headers, unsigned: new Set(['content-length']), contentSha256: true, body: payload },
            creds,
            at,
          );
          const smithy = new SignatureV4({ service: 'es', region: 'eu-west-1', credentials: creds, sha256: Hash.bind(null, 'sha256'), uriEscapePath: true, applyChecksum: true });
          const signed = await smithy.sign(new HttpRequest({ method: 'POST', protocol: 'https:', hostname: 'search.example.com', path: requestPath, query: { ...query }, headers: { ...headers }, body: payload }), {
            signingDate: at,
            unsignableHeaders: new Set(['content-length']),
          });
          expect(ours['authorization']).toBe(signed.headers['authorization']);
          expect(ours['x-amz-content-sha256']).toBe(signed.headers['x-amz-content-sha256']);
          expect([ours['content-length'], ours['user-agent']]).toEqual(['12', 'Fluent-Bit']);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('signs S3 requests as @smithy/signature-v4 does with uriEscapePath false: the path as sent', async () => {
    const key = fc.array(fc.string({ unit: fc.constantFrom(...'az09-_.~ %+é()!*'.split('')), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(key, fc.dictionary(fc.constantFrom('uploads', 'partNumber', 'uploadId'), fc.stringMatching(/^[A-Za-z0-9]{0,6}$/)), body, credentials, date, async (segments, query, payload, creds, at) => {
        const requestPath = `/bucket/${encodeKeyPath(segments.join('/'))}`;
        const headers = { host: 's3.example.com:4566', 'content-length': String(payload.length), 'content-type': 'application/octet-stream' };
        const ours = new SigV4Signer('us-east-1', 's3').sign(
          { method: 'PUT', path: requestPath, pathAsSent: true, query, headers, unsigned: CONTENT_LENGTH_UNSIGNED, contentSha256: true, body: payload },
          creds,
          at,
        );
        const smithy = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: creds, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: true });
        const signed = await smithy.sign(new HttpRequest({ method: 'PUT', protocol: 'https:', hostname: 's3.example.com', port: 4566, path: requestPath, query: { ...query }, headers: { ...headers }, body: payload }), {
          signingDate: at,
          unsignableHeaders: new Set(['content-length']),
        });
        expect(ours['authorization']).toBe(signed.headers['authorization']);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the derived signing key per day: a new day or a new secret signs with a new key', () => {
    const signer = new SigV4Signer('us-east-1', 'logs');
    const request = { method: 'POST', path: '/', headers: { host: 'h' }, body: '{}' };
    const a = { accessKeyId: 'AKIDA', secretAccessKey: 'one' };
    const day1 = new Date('2026-01-01T23:59:59Z');
    const first = signer.sign(request, a, day1)['authorization'];
    expect(signer.sign(request, a, day1)['authorization']).toBe(first);
    const nextDay = signer.sign(request, a, new Date('2026-01-02T00:00:00Z'))['authorization'];
    expect(nextDay).toContain('/20260102/us-east-1/logs/aws4_request');
    // Back on day 1 with the same secret: the same signature again, so the key followed the day.
    expect(signer.sign(request, a, day1)['authorization']).toBe(first);
    expect(signer.sign(request, { ...a, secretAccessKey: 'two' }, day1)['authorization']).not.toBe(first);
    expect(amzDate(day1)).toBe('20260101T235959Z');
  });
});
