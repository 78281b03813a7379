/**
 * The AWS outputs' data-plane calls (PutLogEvents, PutRecordBatch, PutRecords) without the SDK's
 * per-request path: a body written by the output is POSTed to the service endpoint with
 * `X-Amz-Target` and `Content-Type: application/x-amz-json-1.1`, signed here (aws-signer.ts), over
 * keep-alive connections of one http/https Agent made from the same `net.*`/`tls.*` settings the
 * SDK client gets (aws-client.ts `awsClientConfig`), and the answer is parsed with JSON.parse.
 *
 * The SDK keeps what it does once: the endpoint (its endpoint rules for the region, FIPS and
 * dual-stack settings, or the `endpoint` option) is resolved on the first call by the SDK client of
 * the same service, or by aws-endpoints.ts's rule where that gives the SDK's answer, and the credentials come from the same provider chain, kept between requests
 * as the SDK keeps them (aws-credentials.ts). `auto_retry_requests` is one immediate retry of a failure the SDK's
 * retry strategy would retry. Errors are shaped as the SDK's (aws-json-errors.ts).
 */
import type { ConnectionOptions } from 'node:tls';
import type { AwsClientConfig } from './aws-client.js';
import { networkError, sdkRetryable, serviceException, timeoutError } from './aws-json-errors.js';
import { ServiceClock } from './aws-clock.js';
import { SigV4Signer } from './aws-signer.js';
import { Http1Pool, type Http1Answer } from './http1-client.js';
import { ByteWriter } from './record-bytes.js';

/** A JSON-1.1 service: its SigV4 signing name and the prefix of its X-Amz-Target. */
export interface AwsJsonService {
  readonly signingName: string;
  readonly targetPrefix: string;
}

export const CLOUDWATCH_LOGS_SERVICE: AwsJsonService = { signingName: 'logs', targetPrefix: 'Logs_20140328' };
export const FIREHOSE_SERVICE: AwsJsonService = { signingName: 'firehose', targetPrefix: 'Firehose_20150804' };
export const KINESIS_SERVICE: AwsJsonService = { signingName: 'kinesis', targetPrefix: 'Kinesis_20131202' };

/** What is read of an SDK v3 client's resolved configuration, once, to find the endpoint. */
export interface SdkEndpointSource {
  readonly config: {
    readonly endpointProvider: (params: { Region: string; UseFIPS: boolean; UseDualStack: boolean; Endpoint?: string }) => { readonly url: URL };
    readonly useFipsEndpoint: () => Promise<boolean>;
    readonly useDualstackEndpoint: () => Promise<boolean>;
  };
}

/** Where the client finds its endpoint, once: an SDK client of the service, or a function giving the URL. */
export type EndpointSource = SdkEndpointSource | (() => Promise<URL>);

/** The endpoint an SDK client's rules give for the configuration's region and `endpoint` (its FIPS and dual-stack settings read). */
export async function sdkEndpoint(sdk: SdkEndpointSource, config: Pick<AwsClientConfig, 'region' | 'endpoint'>): Promise<URL> {
  const c = sdk.config;
  return c.endpointProvider({
    Region: config.region,
    UseFIPS: await c.useFipsEndpoint(),
    UseDualStack: await c.useDualstackEndpoint(),
    ...(config.endpoint !== undefined ? { Endpoint: config.endpoint } : {}),
  }).url;
}

interface Endpoint {
  readonly url: URL;
  readonly host: string;
  readonly path: string;
  /** The path and query the requests are sent to. */
  readonly target: string;
  /** Its connections. */
  readonly pool: Http1Pool;
}

/** The SDK's default number of connections per host (net.max_worker_connections 0). */
const SDK_MAX_SOCKETS = 50;

const USER_AGENT = `logferry lang/js md/nodejs#${process.versions.node} os/${process.platform}`;

/** An answer's JSON (an empty answer is `{}`). */
export function parseAnswer(body: Buffer): unknown {
  return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
}

/**
 * Tells when a request body may be written over: once the caller is done with it (`finish`) and
 * every request that was sending it has closed. A body written in a reused buffer (an output's
 * ByteWriter) goes back to its pool from `release`.
 */
export class BodyUse {
  private open = 0;
  private finished = false;
  private released = false;

  constructor(private readonly release: () => void) {}

  /** A request sends the body: it is read until the returned function is called (once). */
  track(): () => void {
    this.open++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.open--;
      this.settle();
    };
  }

  /** The caller will send the body no more. */
  finish(): void {
    this.finished = true;
    this.settle();
  }

  private settle(): void {
    if (this.finished && this.open === 0 && !this.released) {
      this.released = true;
      this.release();
    }
  }
}

/**
 * Writers for request bodies, each reused once the requests that sent its body have closed
 * (BodyUse): a fresh buffer for every body cost more in page faults than writing it
 * (bench/NOTES.md, "CloudWatch Logs CPU"). Keeps at most `spare` writers between bodies.
 */
export class BodyWriters {
  private readonly kept: ByteWriter[] = [];

  constructor(private readonly spare: number) {}

  /** A writer to write one body in, and the BodyUse to send it with (`finish` it when done). */
  next(): { readonly writer: ByteWriter; readonly use: BodyUse } {
    const writer = this.kept.pop() ?? new ByteWriter();
    const use = new BodyUse(() => {
      if (this.kept.length < this.spare) this.kept.push(writer);
    });
    return { writer, use };
  }
}

export class AwsJsonClient {
  private readonly signer: SigV4Signer;
  /** The service's clock, from its answers' Date headers (as the SDK corrects clock skew). */
  private readonly clock = new ServiceClock();
  private readonly userAgent: string;
  private endpoint: Promise<Endpoint> | undefined;
  private destroyed = false;

  /**
   * `config`: the SDK client configuration of the output (awsClientConfig), whose credentials
   * provider (kept between requests there), connection settings, retries and user agent are used; `endpointSource`: an SDK
   * client of the service built from it, or a function (aws-endpoints.ts), asked once for the endpoint; `headers`: sent and signed with every call.
   */
  constructor(
    private readonly config: AwsClientConfig,
    private readonly service: AwsJsonService,
    private readonly endpointSource: EndpointSource,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {
    this.signer = new SigV4Signer(config.region, service.signingName);
    this.userAgent = config.customUserAgent !== undefined ? `${USER_AGENT} ${config.customUserAgent}` : USER_AGENT;
  }

  /**
   * Calls `operation` with `body` (the request's JSON) and resolves with the parsed answer; rejects
   * with the service's error, a network error or a TimeoutError, after one more attempt when the
   * configuration allows two and the SDK would have retried.
   */
  async send(operation: string, body: string | Buffer, use?: BodyUse): Promise<unknown> {
    return parseAnswer(await this.sendForBytes(operation, body, use));
  }

  /**
   * `send`, resolving with the answer's JSON bytes unparsed (a caller may need only part of a long
   * answer). `use` is told of every request that sends the body.
   */
  async sendForBytes(operation: string, body: string | Buffer, use?: BodyUse): Promise<Buffer> {
    const endpoint = await (this.endpoint ??= this.resolveEndpoint());
    // Encoded once: hashed, measured and written as these bytes (a string would be encoded for each).
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(endpoint, operation, bytes, attempt, use);
      } catch (err) {
        if (attempt >= this.config.maxAttempts || !sdkRetryable(err)) throw err;
      }
    }
  }

  destroy(): void {
    this.destroyed = true;
    void this.endpoint?.then((e) => e.pool.destroy(), () => undefined);
  }

  private async resolveEndpoint(): Promise<Endpoint> {
    const source = this.endpointSource;
    const url = typeof source === 'function' ? await source() : await sdkEndpoint(source, this.config);
    const pool = this.poolFor(url);
    if (this.destroyed) pool.destroy();
    return { url, host: url.host, path: url.pathname === '' ? '/' : url.pathname, target: url.pathname + url.search, pool };
  }

  /** Connections to the endpoint, made from the `net.*` and `tls.*` settings (awsClientConfig). */
  private poolFor(url: URL): Http1Pool {
    const { connectionTimeout, httpAgent, httpsAgent } = this.config.requestHandler;
    const secure = url.protocol === 'https:';
    const { keepAlive, maxSockets, localAddress, ...tls } = secure ? httpsAgent : httpAgent;
    return new Http1Pool({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port !== '' ? Number(url.port) : secure ? 443 : 80,
      tls: secure ? (tls as ConnectionOptions) : undefined,
      localAddress,
      keepAlive: keepAlive ?? true,
      maxSockets: maxSockets ?? SDK_MAX_SOCKETS,
      connectTimeoutMs: connectionTimeout,
      connectTimeout: () => timeoutError(`the request socket did not establish a connection with the server within the configured timeout of ${connectionTimeout} ms`),
    });
  }

  private async attempt(endpoint: Endpoint, operation: string, body: Buffer, attempt: number, use: BodyUse | undefined): Promise<Buffer> {
    const credentials = await this.config.credentials();
    const sentAt = Date.now();
    const offsetAtSend = this.clock.offsetMs;
    const headers = this.signer.sign(
      {
        method: 'POST',
        path: endpoint.path,
        headers: {
          ...this.headers,
          host: endpoint.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `${this.service.targetPrefix}.${operation}`,
        },
        body,
      },
      credentials,
      this.clock.now(),
    );
    headers['content-length'] = String(body.length);
    headers['user-agent'] = this.userAgent;
    const answer = await this.post(endpoint, headers, body, use);
    const clockCorrected = this.clock.sample(answer.headers, sentAt, offsetAtSend);
    if (answer.status >= 300) throw serviceException(answer.status, answer.headers, answer.body, attempt, clockCorrected);
    return answer.body;
  }

  /** One request: the connect timeout until the socket connects, the request timeout until the whole answer is read. */
  private async post(endpoint: Endpoint, headers: Record<string, string>, body: Buffer, use: BodyUse | undefined): Promise<Http1Answer> {
    const { requestTimeout } = this.config.requestHandler;
    const written = use?.track() ?? (() => undefined);
    const timeout = () => timeoutError(`a request has exceeded the configured ${requestTimeout} ms requestTimeout`, 'ETIMEDOUT');
    try {
      return await endpoint.pool.request('POST', endpoint.target, headers, body, requestTimeout, timeout, written);
    } catch (err) {
      throw (err as Error).name === 'TimeoutError' ? err : networkError(err as Error);
    }
  }
}
