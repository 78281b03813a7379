/**
 * AWS SigV4 request signing, as Fluent Bit's `flb_signv4_do` signs es/opensearch Bulk API requests
 * (`add_aws_auth` in es.c: the Host header without the port) and http output requests (aws_auth:
 * the Host header as the http client sends it): the payload hash signed (x-amz-content-sha256),
 * Content-Length left unsigned, Content-Encoding added after signing. Credentials come from the
 * shared AWS helpers: the default chain, a profile, or a role via STS.
 */
import { randomBytes } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { credentialsFor } from '../shared/aws-client.js';

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
  private readonly signer: SignatureV4;

  constructor(o: SigningOptions) {
    const credentials = credentialsFor(
      {
        region: o.region,
        profile: o.profile,
        role_arn: o.roleArn,
        external_id: o.externalId,
        sts_endpoint: o.stsEndpoint,
      },
      `logferry-${randomBytes(6).toString('hex')}`,
    );
    this.signer = new SignatureV4({ service: o.service, region: o.region, credentials, sha256: Hash.bind(null, 'sha256'), applyChecksum: true, uriEscapePath: true });
  }

  /** The headers to send: the given ones plus host, x-amz-date, x-amz-content-sha256, [x-amz-security-token], authorization. */
  async sign(req: UnsignedRequest): Promise<Record<string, string>> {
    const request = new HttpRequest({
      method: req.method ?? 'POST',
      protocol: 'https:',
      hostname: req.hostname,
      path: req.path,
      query: { ...req.query },
      headers: { ...req.headers, host: req.host ?? req.hostname },
      body: req.body,
    });
    const signed = await this.signer.sign(request, { unsignableHeaders: new Set(['content-length']) });
    return signed.headers as Record<string, string>;
  }
}
