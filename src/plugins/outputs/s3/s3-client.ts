/**
 * The S3 REST calls out_s3 makes, signed with SigV4 (@smithy/signature-v4, payload hash signed as
 * Fluent Bit's S3_MODE_SIGNED_PAYLOAD) and sent over keep-alive node:http/https agents: path-style
 * URIs `/<bucket><key>` on the endpoint, as Fluent Bit sends them. Credentials come from the chain
 * the other AWS outputs use (aws-client.ts): role_arn via STS, profile, or the default chain.
 * `auto_retry_requests` is one immediate retry of a request that failed retryably.
 */
import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { credentialsFor, endpointUrl, toDeliveryError } from '../shared/aws-client.js';
import { CachedCredentials } from '../shared/aws-credentials.js';
import { CONTENT_LENGTH_UNSIGNED, SigV4Signer, uriEncode } from '../shared/aws-signer.js';
import { tlsAgentOptions } from '../shared/tls-agent.js';
import type { S3Options } from './options.js';

export interface S3Call {
  readonly operation: string;
  readonly method: 'PUT' | 'POST' | 'DELETE' | 'GET';
  /** The object key, starting with '/'. */
  readonly key: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

export interface S3Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Waiting for an answer when net.io_timeout is 0 (as the other AWS outputs). */
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** The default endpoint of a region (flb_aws_endpoint): s3.<region>.amazonaws.com, .com.cn in China. */
export function defaultS3Endpoint(region: string): string {
  return `https://s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/** A key as a URI path: each segment percent-encoded as S3 signs it (RFC 3986 unreserved characters kept). */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(uriEncode).join('/');
}

/** The text of an S3 XML element (first match), unescaped. */
export function xmlText(body: string, element: string): string | undefined {
  const m = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(body);
  return m?.[1]?.replace(/&quot;|&#34;/g, '"').replace(/&apos;|&#39;/g, "'").replace(/&lt;|&#60;/g, '<').replace(/&gt;|&#62;/g, '>').replace(/&amp;|&#38;/g, '&');
}

export class S3Client {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly signer: SigV4Signer;
  private readonly credentials: CachedCredentials;
  private readonly timeoutMs: number;

  constructor(private readonly o: S3Options) {
    this.url = new URL(endpointUrl(o.endpoint, o.port) ?? defaultS3Endpoint(o.region));
    const net = { keepAlive: o['net.keepalive'], ...(o['net.source_address'] ? { localAddress: o['net.source_address'] } : {}), ...(o['net.max_worker_connections'] > 0 ? { maxSockets: o['net.max_worker_connections'] } : {}) };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ ...net, ...tlsAgentOptions(o) }) : new HttpAgent(net);
    this.timeoutMs = o['net.io_timeout'] > 0 ? o['net.io_timeout'] : DEFAULT_REQUEST_TIMEOUT_MS;
    this.credentials = new CachedCredentials(credentialsFor(o, `logferry-${randomBytes(6).toString('hex')}`));
    this.signer = new SigV4Signer(o.region, 's3');
  }

  /** The endpoint requests go to (for log lines). */
  get endpoint(): string {
    return this.url.origin;
  }

  /**
   * Sends one call; a 2xx answer is returned, anything else thrown as a DeliveryError naming the
   * operation and S3's error code. A retryable failure is tried once more at once with auto_retry_requests.
   */
  async send(call: S3Call): Promise<S3Answer> {
    try {
      return await this.attempt(call);
    } catch (err) {
      // SlowDown is S3's throttling (503): 5xx, network and credential errors are retryable.
      const d = toDeliveryError(err, call.operation);
      if (!this.o.auto_retry_requests || !d.retryable) throw d;
      try {
        return await this.attempt(call);
      } catch (again) {
        throw toDeliveryError(again, call.operation);
      }
    }
  }

  private async attempt(call: S3Call): Promise<S3Answer> {
    const body = call.body ?? Buffer.alloc(0);
    const path = `${this.url.pathname.replace(/\/+$/, '')}/${encodeKeyPath(this.o.bucket)}${encodeKeyPath(call.key)}`;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(call.headers ?? {})) headers[name.toLowerCase()] = value;
    headers['host'] = this.url.host;
    headers['content-length'] = String(body.length);
    // S3 signs the path as sent (already encoded once), unlike the other services.
    const request = { method: call.method, path, pathAsSent: true, query: call.query, headers, unsigned: CONTENT_LENGTH_UNSIGNED, contentSha256: true, body };
    const signed = this.signer.sign(request, await this.credentials.get());
    const query = new URLSearchParams(call.query ?? {}).toString();
    const answer = await this.exchange(`${path}${query ? `?${query}` : ''}`, call.method, signed, body);
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw new S3ServiceError(call.operation, answer);
  }

  private exchange(path: string, method: string, headers: Record<string, string>, body: Buffer): Promise<S3Answer> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send({ protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port || undefined, path, method, headers, agent: this.agent }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
        res.on('error', reject);
      });
      // net.connect_timeout bounds the connection, net.io_timeout (or 60 s) the wait for the answer.
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no connection within ${this.o['net.connect_timeout']} ms`), { code: 'ETIMEDOUT' })), this.o['net.connect_timeout']);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** An S3 error answer: its code (`SlowDown`, `NoSuchBucket`...) and HTTP status, shaped as the SDK's errors. */
export class S3ServiceError extends Error {
  override readonly name: string;
  readonly $metadata: { httpStatusCode: number };
  readonly $fault: 'client' | 'server';

  constructor(operation: string, answer: S3Answer) {
    const text = answer.body.toString('utf8');
    const code = xmlText(text, 'Code') ?? `HTTP ${answer.status}`;
    super(`${operation}: ${xmlText(text, 'Message') ?? text.slice(0, 200)}`);
    this.name = code;
    this.$metadata = { httpStatusCode: answer.status };
    this.$fault = answer.status >= 500 ? 'server' : 'client';
  }
}
