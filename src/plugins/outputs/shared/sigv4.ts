/**
 * AWS SigV4 request signing, as Fluent Bit's `flb_signv4_do` signs es/opensearch Bulk API requests
 * (`add_aws_auth` in es.c: the Host header without the port) and http output requests (aws_auth:
 * the Host header as the http client sends it): the payload hash signed (x-amz-content-sha256),
 * Content-Length left unsigned, Content-Encoding added after signing. Credentials come from the
 * shared AWS helpers: the default chain, a profile, or a role via STS.
 */
import { randomBytes } from 'node:crypto';
import { credentialsFor } from '../shared/aws-client.js';
import { CachedCredentials } from './aws-credentials.js';
import { CONTENT_LENGTH_UNSIGNED, SigV4Signer } from './aws-signer.js';

export interface SigningOptions {
  readonly region: string;
  readonly service: string;
  readonly profile?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly externalId?: string | undefined;
  readonly stsEndpoint?: string | undefined;
}

/** What the request carries: everything the signature covers. */
export interface UnsignedRequest {
  /** POST unless given. */
  readonly method?: string;
  readonly hostname: string;
  /** The Host header sent (default: `hostname`). */
  readonly host?: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class RequestSigner {
  private readonly signer: SigV4Signer;
  private readonly credentials: CachedCredentials;

  constructor(o: SigningOptions) {
    this.credentials = new CachedCredentials(
      credentialsFor(
        {
          region: o.region,
          profile: o.profile,
          role_arn: o.roleArn,
          external_id: o.externalId,
          sts_endpoint: o.stsEndpoint,
        },
        `logferry-${randomBytes(6).toString('hex')}`,
      ),
    );
    this.signer = new SigV4Signer(o.region, o.service);
  }

  /**
   * The headers to send (names in lower case): the given ones plus host, x-amz-date,
   * x-amz-content-sha256, [x-amz-security-token], authorization.
   */
  async sign(req: UnsignedRequest): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value;
    headers['host'] = req.host ?? req.hostname;
    const credentials = await this.credentials.get();
    return this.signer.sign(
      { method: req.method ?? 'POST', path: req.path, query: req.query, headers, unsigned: CONTENT_LENGTH_UNSIGNED, contentSha256: true, body: req.body },
      credentials,
    );
  }
}
