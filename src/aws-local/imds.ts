/**
 * A local EC2 instance metadata service (IMDS) on the aws-local port, under `/latest/...`, for the
 * `aws` filter and anything else that reads instance metadata (point it here with the AWS SDKs'
 * `AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT`). It answers as EC2 does:
 *
 * - IMDSv2: `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds` (1..21600) returns a
 *   token, valid for that many seconds in `X-aws-ec2-metadata-token`; an unknown or expired token is
 *   401 Unauthorized, with or without v2-only mode.
 * - IMDSv1: plain GETs, unless `httpTokens` is `required` (then 401 without a token).
 * - `meta-data/...` leaves (instance-id, instance-type, placement/availability-zone, local-ipv4,
 *   ami-id, hostname, mac, network/interfaces/macs/<mac>/vpc-id), directory listings (one name a
 *   line, subdirectories with a trailing `/`), `dynamic/instance-identity/document` (JSON with
 *   accountId), and `meta-data/tags/instance/` when instance metadata tags are on and there are tags (else 404).
 *   A trailing slash after a leaf is accepted, as EC2 does.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The instance the local IMDS describes; every field has a plausible demo value. */
export interface ImdsOptions {
  instanceId?: string;
  instanceType?: string;
  /** e.g. us-east-1a; the region is this without the last letter. */
  availabilityZone?: string;
  privateIp?: string;
  amiId?: string;
  accountId?: string;
  hostname?: string;
  mac?: string;
  vpcId?: string;
  /** EC2 instance tags, in the order listed by `meta-data/tags/instance`. */
  tags?: Record<string, string>;
  /** EC2's InstanceMetadataTags: serve `meta-data/tags/instance` (404 when off). Default true. */
  instanceMetadataTags?: boolean;
  /** EC2's HttpTokens: `required` is IMDSv2 only (GETs without a token are 401). Default optional. */
  httpTokens?: 'optional' | 'required';
}

export const DEFAULT_IMDS_INSTANCE = {
  instanceId: 'i-0a1b2c3d4e5f67890',
  instanceType: 'm5.large',
  availabilityZone: 'us-east-1a',
  privateIp: '10.0.1.23',
  amiId: 'ami-0abcdef1234567890',
  accountId: '000000000000',
  hostname: 'ip-10-0-1-23.ec2.internal',
  mac: '0e:49:61:0f:c3:11',
  vpcId: 'vpc-0123456789abcdef0',
  tags: { Name: 'logferry-demo-node', 'eks:cluster-name': 'demo' } as Record<string, string>,
  instanceMetadataTags: true,
  httpTokens: 'optional' as 'optional' | 'required',
} as const;

/** One request the local IMDS answered, for tests. */
export interface ImdsRequest {
  method: string;
  path: string;
  /** Whether the request carried an X-aws-ec2-metadata-token header. */
  token: boolean;
  status: number;
}

export interface ImdsReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const MAX_TTL_SECONDS = 21600;
const MAX_REQUESTS_KEPT = 10_000;

/** Whether a request path belongs to the IMDS (the AWS APIs on the same port use `/` and query strings). */
export function isImdsPath(url: string | undefined): boolean {
  return url !== undefined && (url === '/latest' || url.startsWith('/latest/'));
}

export class LocalImds {
  readonly requests: ImdsRequest[] = [];
  private readonly tokens = new Map<string, number>();
  private readonly leaves = new Map<string, string>();
  private readonly options: Required<ImdsOptions>;

  constructor(options: ImdsOptions = {}, private readonly now: () => number = Date.now) {
    const o = { ...DEFAULT_IMDS_INSTANCE, ...options } as Required<ImdsOptions>;
    this.options = o;
    const region = o.availabilityZone.replace(/[a-z]$/, '');
    const meta: Record<string, string> = {
      'ami-id': o.amiId,
      hostname: o.hostname,
      'instance-id': o.instanceId,
      'instance-type': o.instanceType,
      'local-hostname': o.hostname,
      'local-ipv4': o.privateIp,
      mac: o.mac,
      [`network/interfaces/macs/${o.mac}/local-ipv4s`]: o.privateIp,
      [`network/interfaces/macs/${o.mac}/mac`]: o.mac,
      [`network/interfaces/macs/${o.mac}/vpc-id`]: o.vpcId,
      'placement/availability-zone': o.availabilityZone,
      'placement/region': region,
    };
    for (const [k, v] of Object.entries(meta)) this.leaves.set(`meta-data/${k}`, v);
    if (o.instanceMetadataTags) for (const [k, v] of Object.entries(o.tags)) this.leaves.set(`meta-data/tags/instance/${k}`, v);
    const document = {
      accountId: o.accountId,
      architecture: 'x86_64',
      availabilityZone: o.availabilityZone,
      imageId: o.amiId,
      instanceId: o.instanceId,
      instanceType: o.instanceType,
      pendingTime: '2026-01-01T00:00:00Z',
      privateIp: o.privateIp,
      region,
      version: '2017-09-30',
    };
    this.leaves.set('dynamic/instance-identity/document', JSON.stringify(document, null, 2));
  }

  /** Answers one request whose path starts with /latest. */
  handle(req: IncomingMessage): ImdsReply {
    const path = new URL(req.url ?? '/', 'http://imds').pathname;
    const header = req.headers['x-aws-ec2-metadata-token'];
    const token = typeof header === 'string' ? header : undefined;
    const reply = this.answer(req.method ?? 'GET', path, token, req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
    this.requests.push({ method: req.method ?? 'GET', path, token: token !== undefined, status: reply.status });
    if (this.requests.length > MAX_REQUESTS_KEPT) this.requests.splice(0, this.requests.length - MAX_REQUESTS_KEPT);
    return reply;
  }

  private answer(method: string, path: string, token: string | undefined, ttlHeader: string | string[] | undefined): ImdsReply {
    if (path === '/latest/api/token') {
      if (method !== 'PUT') return text(405, 'Method Not Allowed');
      const ttl = typeof ttlHeader === 'string' && /^\d+$/.test(ttlHeader.trim()) ? Number(ttlHeader.trim()) : NaN;
      if (!(ttl >= 1 && ttl <= MAX_TTL_SECONDS)) return text(400, 'Bad Request');
      const value = randomBytes(40).toString('base64url');
      this.tokens.set(value, this.now() + ttl * 1000);
      return text(200, value, { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    }
    if (method !== 'GET' && method !== 'HEAD') return text(405, 'Method Not Allowed');
    if (token !== undefined) {
      const expires = this.tokens.get(token);
      if (expires === undefined || expires <= this.now()) {
        if (expires !== undefined) this.tokens.delete(token);
        return text(401, 'Unauthorized');
      }
    } else if (this.options.httpTokens === 'required') {
      return text(401, 'Unauthorized');
    }
    const rel = path.replace(/^\/latest\/?/, '');
    const leaf = this.leaves.get(rel.replace(/\/+$/, ''));
    if (leaf !== undefined) return text(200, leaf);
    const listing = this.list(rel.replace(/\/+$/, ''));
    return listing === undefined ? text(404, 'Not Found') : text(200, listing);
  }

  /** The names under a directory (`meta-data`, `meta-data/placement`, ``), or undefined when there is none. */
  private list(dir: string): string | undefined {
    const prefix = dir === '' ? '' : `${dir}/`;
    const names: string[] = [];
    for (const key of this.leaves.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : `${rest.slice(0, slash)}/`;
      if (!names.includes(name)) names.push(name);
    }
    // An instance without tags has no tags/instance listing either: 404, as with tags off.
    if (names.length === 0) return undefined;
    // Tag keys keep the order they were given in; other listings are sorted, as EC2's are.
    return (dir === 'meta-data/tags/instance' ? names : names.sort()).join('\n');
  }
}

function text(status: number, body: string, headers: Record<string, string> = {}): ImdsReply {
  return { status, headers: { 'content-type': 'text/plain', ...headers }, body };
}
