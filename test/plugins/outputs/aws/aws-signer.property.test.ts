import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amzDate, SigV4Signer, type SigningCredentials } from '../../../../src/plugins/outputs/shared/aws-signer.js';

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
