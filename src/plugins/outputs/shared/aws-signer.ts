/**
 * SigV4 signing of the AWS outputs' data-plane requests (aws-json-client.ts), with node:crypto:
 * the payload is hashed once, the derived signing key is kept per date, region and service (one
 * HMAC chain a day instead of four HMACs a request), and the canonical request is built from the
 * few headers the request has. Same signature as @smithy/signature-v4 for the same request
 * (property-tested): every header given is signed but those the SDK never signs and those named
 * unsigned, names in lower case, values trimmed with inner runs of white space collapsed; the path
 * normalized and each segment URI-encoded again, as non-S3 services want; the query sorted. The
 * AWS outputs' JSON requests and the SigV4 of es/opensearch and the http output (sigv4.ts) and the s3 output use it.
 */
import { createHash, createHmac } from 'node:crypto';

/** The credentials a request is signed with (the SDK's AwsCredentialIdentity). */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** What is signed: lower-case header names (host included) and the path of the request. */
export interface RequestToSign {
  readonly method: string;
  readonly path: string;
  /** Query parameters, signed in canonical order. */
  readonly query?: Readonly<Record<string, string>> | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Headers sent but not signed, besides those never signed (lower-case names). */
  readonly unsigned?: ReadonlySet<string> | undefined;
  /** The path signed as sent (already encoded once), as S3 wants it; else normalized and encoded again. */
  readonly pathAsSent?: boolean | undefined;
  /** Sends the payload hash as x-amz-content-sha256, signed (es/opensearch, the http output and S3 do). */
  readonly contentSha256?: boolean | undefined;
  readonly body: string | Buffer;
}

/** Headers never signed (the SDK's list): proxies and the HTTP stack may change them. */
const NEVER_SIGNED = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);
const NEVER_SIGNED_PREFIX = /^(?:proxy|sec)-/;

/** `unsigned` of requests whose Content-Length is left out of the signature (es, http, S3, as Fluent Bit signs). */
export const CONTENT_LENGTH_UNSIGNED: ReadonlySet<string> = new Set(['content-length']);

const ALGORITHM = 'AWS4-HMAC-SHA256';

/** `20260101T000000Z` of a time. */
export function amzDate(at: Date): string {
  return at.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** RFC 3986 percent-encoding, as SigV4 wants it (everything but A-Z a-z 0-9 - _ . ~). */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `a=1&b=2`: names and values encoded, sorted by encoded name. */
function canonicalQuery(query: Readonly<Record<string, string>> | undefined): string {
  if (query === undefined) return '';
  return Object.keys(query)
    .map((name) => [uriEncode(name), uriEncode(query[name]!)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The path normalized (no empty, `.` or `..` segments), each segment encoded again. */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(uriEncode(s));
  }
  const joined = segments.join('/');
  return `${path.startsWith('/') ? '/' : ''}${joined}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
}

export class SigV4Signer {
  private keyScope = '';
  private key: Buffer = Buffer.alloc(0);
  /** The last path signed and its canonical form (a data-plane client signs one path every time). */
  private lastPath: string | undefined;
  private lastCanonicalPath = '';

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {}

  /**
   * The headers to send: `headers` (lower-case names, `host` among them) plus x-amz-date,
   * x-amz-security-token when the credentials have one, and authorization.
   */
  sign(request: RequestToSign, credentials: SigningCredentials, at: Date = new Date()): Record<string, string> {
    const date = amzDate(at);
    const day = date.slice(0, 8);
    const payloadHash = createHash('sha256').update(request.body).digest('hex');
    const headers: Record<string, string> = { ...request.headers, 'x-amz-date': date };
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    if (request.contentSha256) headers['x-amz-content-sha256'] = payloadHash;
    const unsigned = request.unsigned;
    const names = Object.keys(headers)
      .filter((name) => !NEVER_SIGNED.has(name) && !NEVER_SIGNED_PREFIX.test(name) && !unsigned?.has(name))
      .sort();
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`;
    const signedHeaders = names.join(';');
    const canonicalRequest = `${request.method}\n${request.pathAsSent ? request.path : this.canonicalPathOf(request.path)}\n${canonicalQuery(request.query)}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `${ALGORITHM}\n${date}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(credentials.secretAccessKey, day)).update(stringToSign).digest('hex');
    headers['authorization'] = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private canonicalPathOf(path: string): string {
    if (path !== this.lastPath) {
      this.lastCanonicalPath = canonicalPath(path);
      this.lastPath = path;
    }
    return this.lastCanonicalPath;
  }

  /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request"), kept until the day or the secret changes. */
  private signingKey(secret: string, day: string): Buffer {
    const scope = `${day}\u0000${secret}`;
    if (scope !== this.keyScope) {
      let key = createHmac('sha256', `AWS4${secret}`).update(day).digest();
      for (const part of [this.region, this.service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
      this.key = key;
      this.keyScope = scope;
    }
    return this.key;
  }
}
