/**
 * A client of the EC2 instance metadata service as Fluent Bit's (src/aws/flb_aws_imds.c) uses it:
 * one plain HTTP request at a time, no keep-alive, 1 s to connect and 1 s per read; IMDSv2 takes a
 * session token (`PUT /latest/api/token` with a TTL of 21600 s) and sends it with every GET, and a
 * 401 refreshes the token and repeats the GET once (the token expired); IMDSv1 sends plain GETs.
 *
 * The address is EC2's http://169.254.169.254, or what `AWS_EC2_METADATA_SERVICE_ENDPOINT` names
 * (the AWS SDKs' variable; `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` picks http://[fd00:ec2::254]).
 */
import * as http from 'node:http';

export const IMDS_ENDPOINT_ENV = 'AWS_EC2_METADATA_SERVICE_ENDPOINT';
export const IMDS_ENDPOINT_MODE_ENV = 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE';
const DEFAULT_ENDPOINT = 'http://169.254.169.254';
const DEFAULT_ENDPOINT_IPV6 = 'http://[fd00:ec2::254]';
const TOKEN_PATH = '/latest/api/token';
const TOKEN_TTL_SECONDS = '21600';
/** FLB_AWS_IMDS_TIMEOUT: connect and I/O timeout. */
const TIMEOUT_MS = 1000;

/** The IMDS base URL from the environment (SDK rules), without a trailing slash. */
export function imdsEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env[IMDS_ENDPOINT_ENV]?.trim();
  if (explicit) return explicit.replace(/\/+$/, '');
  return env[IMDS_ENDPOINT_MODE_ENV]?.trim().toLowerCase() === 'ipv6' ? DEFAULT_ENDPOINT_IPV6 : DEFAULT_ENDPOINT;
}

/** The IMDS answered with a status other than 200 (404: no such metadata, e.g. no tags). */
export class ImdsStatusError extends Error {
  override readonly name = 'ImdsStatusError';
  readonly code = 'IMDS_STATUS';
  constructor(
    readonly path: string,
    readonly status: number,
  ) {
    super(`${path} answered ${status}`);
  }
}

/** The IMDS could not be reached (refused, timed out, reset): nothing else will answer either. */
export class ImdsUnreachableError extends Error {
  override readonly name = 'ImdsUnreachableError';
  readonly code = 'IMDS_UNREACHABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

interface Response {
  status: number;
  body: string;
}

export class ImdsClient {
  private token: string | undefined;
  private readonly inflight = new Set<http.ClientRequest>();
  /** HTTP requests sent (the token PUTs included). */
  requests = 0;

  constructor(
    readonly endpoint: string,
    private readonly version: 'v1' | 'v2',
  ) {}

  /** The body of a 200 answer for `path`; ImdsStatusError or ImdsUnreachableError otherwise. */
  async get(path: string): Promise<string> {
    if (this.version === 'v1') return this.ok(path, await this.send('GET', path, {}));
    this.token ??= await this.fetchToken();
    let res = await this.send('GET', path, { 'X-aws-ec2-metadata-token': this.token });
    if (res.status === 401) {
      // flb_aws_imds_request_by_key: an unauthorized answer refreshes the token and repeats the request once.
      this.token = undefined;
      this.token = await this.fetchToken();
      res = await this.send('GET', path, { 'X-aws-ec2-metadata-token': this.token });
    }
    return this.ok(path, res);
  }

  /** Aborts requests under way (they fail with ImdsUnreachableError). */
  close(): void {
    for (const req of this.inflight) req.destroy(new Error('filter stopped'));
    this.inflight.clear();
  }

  private ok(path: string, res: Response): string {
    if (res.status !== 200) throw new ImdsStatusError(path, res.status);
    return res.body;
  }

  private async fetchToken(): Promise<string> {
    const res = await this.send('PUT', TOKEN_PATH, { 'X-aws-ec2-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS });
    if (res.status !== 200) throw new ImdsStatusError(TOKEN_PATH, res.status);
    // refresh_imds_v2_token: an empty token is a failure.
    if (res.body.length === 0) throw new ImdsStatusError(TOKEN_PATH, 200);
    return res.body;
  }

  private send(method: 'GET' | 'PUT', path: string, headers: Record<string, string>): Promise<Response> {
    this.requests++;
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(path, `${this.endpoint}/`);
      } catch (err) {
        reject(new ImdsUnreachableError(`bad instance metadata endpoint '${this.endpoint}'`, { cause: err }));
        return;
      }
      const req = http.request(url, { method, headers: { ...headers, ...(method === 'PUT' ? { 'content-length': '0' } : {}) }, agent: false, timeout: TIMEOUT_MS });
      this.inflight.add(req);
      const fail = (err: Error) => {
        this.inflight.delete(req);
        reject(err instanceof ImdsUnreachableError ? err : new ImdsUnreachableError(`${method} ${path}: ${err.message}`, { cause: err }));
      };
      req.on('timeout', () => req.destroy(new ImdsUnreachableError(`${method} ${path}: no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', fail);
      req.on('response', (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('error', fail);
        res.on('end', () => {
          this.inflight.delete(req);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') });
        });
      });
      req.end();
    });
  }
}
