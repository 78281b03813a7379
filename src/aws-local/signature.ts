/**
 * SigV4 verification of the requests the local endpoint gets (JSON 1.1 and STS; not S3), as AWS
 * checks them: when the endpoint knows the secret of the request's access key, it builds the
 * canonical request from what arrived (method, path, query, the headers named in SignedHeaders,
 * the hash of the body it read), signs it and compares. A request whose key it does not know is
 * not checked (any credentials work, as before). Written apart from the outputs' signer
 * (outputs/shared/aws-signer.ts) so that a test sending through both proves something: the SDK's
 * own requests must pass here too.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsServiceError } from './protocol.js';

/** The credentials the repository's tests, benchmarks and demo sign with: access key id → secret. */
export const DEFAULT_LOCAL_CREDENTIALS: Readonly<Record<string, string>> = { AKIDLOCAL: 'local', AKIDLOGFERRYDEMO: 'demo' };

/** What verification found: checked and right, or not checked (no Authorization, or a key the endpoint does not know). */
export type SignatureState = 'verified' | 'unchecked';

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 unreserved characters stay, everything else is %XX (upper case), byte by byte. */
function rfc3986(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The path as received, normalized (no empty, `.`, `..` segments), each segment encoded once more. */
function canonicalUri(rawPath: string): string {
  const kept: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') kept.pop();
    else kept.push(rfc3986(segment));
  }
  if (kept.length === 0) return '/';
  return `/${kept.join('/')}${rawPath.endsWith('/') ? '/' : ''}`;
}

/** Query parameters decoded, encoded again, sorted by name then value. */
function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, '%20'));
    return eq < 0 ? [rfc3986(decode(p)), ''] : [rfc3986(decode(p.slice(0, eq))), rfc3986(decode(p.slice(eq + 1)))];
  });
  pairs.sort(([ak, av], [bk, bv]) => (ak! < bk! ? -1 : ak! > bk! ? 1 : av! < bv! ? -1 : av! > bv! ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(',') : v;
}

function mismatch(type: string, message: string): AwsServiceError {
  return new AwsServiceError(type, message, 403);
}

/** How far a request's X-Amz-Date may be from the endpoint's clock. */
const TIME_WINDOW_MS = 5 * 60_000;

const amzDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** AWS's refusal of a request signed too long before or after its own time. */
function checkTime(date: string, now: number, mismatchType: string): void {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(date);
  if (!m) throw mismatch(mismatchType, `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", got '${date}'`);
  const signedAt = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (signedAt < now - TIME_WINDOW_MS) throw mismatch(mismatchType, `Signature expired: ${date} is now earlier than ${amzDate(now - TIME_WINDOW_MS)} (${amzDate(now)} - 5 min.)`);
  if (signedAt > now + TIME_WINDOW_MS) throw mismatch(mismatchType, `Signature not yet current: ${date} is still later than ${amzDate(now + TIME_WINDOW_MS)} (${amzDate(now)} + 5 min.)`);
}

/**
 * Checks the signature of a request whose body was `body`. Throws AwsServiceError (403,
 * `mismatchType`: InvalidSignatureException for JSON services, SignatureDoesNotMatch for STS) when
 * the key is known and the signature is wrong or the signed parts are missing.
 */
export function verifySignature(
  req: { readonly method?: string | undefined; readonly url?: string | undefined; readonly headers: IncomingHttpHeaders },
  body: Buffer,
  secrets: ReadonlyMap<string, string>,
  mismatchType: string,
  now: number = Date.now(),
): SignatureState {
  const authorization = headerValue(req.headers, 'authorization');
  if (authorization === undefined) return 'unchecked';
  const m = AUTHORIZATION.exec(authorization.trim());
  const secret = m ? secrets.get(m[1]!) : undefined;
  if (!m || secret === undefined) return 'unchecked';
  const [, , day, region, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string, string];
  const date = headerValue(req.headers, 'x-amz-date');
  if (date === undefined || !date.startsWith(day)) throw mismatch(mismatchType, 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP');
  checkTime(date, now, mismatchType);
  let canonicalHeaders = '';
  for (const name of signedHeaders.split(';')) {
    const value = headerValue(req.headers, name);
    if (value === undefined) throw mismatch(mismatchType, `The request signature names header '${name}', which the request does not have.`);
    canonicalHeaders += `${name}:${value.trim().replace(/\s+/g, ' ')}\n`;
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const canonical = [req.method ?? 'GET', canonicalUri(q < 0 ? url : url.slice(0, q)), canonicalQuery(q < 0 ? '' : url.slice(q + 1)), canonicalHeaders, signedHeaders, sha256Hex(body)].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${sha256Hex(canonical)}`;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'));
  if (!timingSafeEqual(expected, Buffer.from(signature))) {
    throw mismatch(mismatchType, 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  }
  return 'verified';
}
