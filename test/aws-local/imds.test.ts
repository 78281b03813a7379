import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_IMDS_INSTANCE, startAwsLocal, type AwsLocal, type AwsLocalOptions } from '../../src/aws-local/index.js';

const open: AwsLocal[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.close();
});

async function start(options: AwsLocalOptions = {}): Promise<AwsLocal> {
  const aws = await startAwsLocal(options);
  open.push(aws);
  return aws;
}

async function call(aws: AwsLocal, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(`${aws.endpoint}${path}`, { method, headers });
  return { status: res.status, body: await res.text() };
}

async function token(aws: AwsLocal, ttl = '21600'): Promise<string> {
  const r = await call(aws, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': ttl });
  expect(r.status).toBe(200);
  return r.body;
}

describe('aws-local instance metadata service (/latest/...)', () => {
  it('IMDSv2: a PUT with a TTL gives a token that GETs carry; an unknown token is 401', async () => {
    const aws = await start();
    const t = await token(aws);
    expect(t.length).toBeGreaterThan(20);
    expect(await call(aws, 'GET', '/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': t })).toEqual({ status: 200, body: DEFAULT_IMDS_INSTANCE.instanceId });
    expect((await call(aws, 'GET', '/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': 'INVALID_TOKEN' })).status).toBe(401);
    // The TTL header is required and at most 6 hours; the token path takes only PUT.
    expect((await call(aws, 'PUT', '/latest/api/token')).status).toBe(400);
    expect((await call(aws, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '21601' })).status).toBe(400);
    expect((await call(aws, 'PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '0' })).status).toBe(400);
    expect((await call(aws, 'GET', '/latest/api/token')).status).toBe(405);
    expect(aws.store.imdsRequests().slice(0, 3)).toEqual([
      { method: 'PUT', path: '/latest/api/token', token: false, status: 200 },
      { method: 'GET', path: '/latest/meta-data/instance-id', token: true, status: 200 },
      { method: 'GET', path: '/latest/meta-data/instance-id', token: true, status: 401 },
    ]);
  });

  it('a token expires after its TTL', async () => {
    const aws = await start();
    const t = await token(aws, '1');
    expect((await call(aws, 'GET', '/latest/meta-data/ami-id', { 'X-aws-ec2-metadata-token': t })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call(aws, 'GET', '/latest/meta-data/ami-id', { 'X-aws-ec2-metadata-token': t })).status).toBe(401);
  });

  it('IMDSv1 GETs work unless httpTokens is required (v2 only)', async () => {
    const optional = await start();
    expect(await call(optional, 'GET', '/latest/meta-data/placement/availability-zone')).toEqual({ status: 200, body: 'us-east-1a' });
    const required = await start({ imds: { httpTokens: 'required' } });
    expect((await call(required, 'GET', '/latest/meta-data/placement/availability-zone')).status).toBe(401);
    const t = await token(required);
    expect(await call(required, 'GET', '/latest/meta-data/placement/availability-zone', { 'X-aws-ec2-metadata-token': t })).toEqual({ status: 200, body: 'us-east-1a' });
  });

  it('serves the paths Fluent Bit reads (with its trailing slashes), listings, the identity document, and 404 elsewhere', async () => {
    const aws = await start({
      imds: { instanceId: 'i-1234567890abcdef0', instanceType: 'c6g.xlarge', availabilityZone: 'eu-west-1b', privateIp: '172.31.5.6', amiId: 'ami-1', accountId: '111122223333', hostname: 'ip-172-31-5-6.eu-west-1.compute.internal', mac: '02:aa:bb:cc:dd:ee', vpcId: 'vpc-1' },
    });
    const get = async (p: string) => (await call(aws, 'GET', p)).body;
    expect(await get('/latest/meta-data/instance-id/')).toBe('i-1234567890abcdef0');
    expect(await get('/latest/meta-data/instance-type/')).toBe('c6g.xlarge');
    expect(await get('/latest/meta-data/placement/availability-zone/')).toBe('eu-west-1b');
    expect(await get('/latest/meta-data/placement/region')).toBe('eu-west-1');
    expect(await get('/latest/meta-data/local-ipv4/')).toBe('172.31.5.6');
    expect(await get('/latest/meta-data/ami-id/')).toBe('ami-1');
    expect(await get('/latest/meta-data/hostname/')).toBe('ip-172-31-5-6.eu-west-1.compute.internal');
    expect(await get('/latest/meta-data/mac/')).toBe('02:aa:bb:cc:dd:ee');
    expect(await get('/latest/meta-data/network/interfaces/macs/02:aa:bb:cc:dd:ee/vpc-id/')).toBe('vpc-1');
    expect(await get('/latest/meta-data/network/interfaces/macs/')).toBe('02:aa:bb:cc:dd:ee/');
    const doc = JSON.parse(await get('/latest/dynamic/instance-identity/document/')) as Record<string, unknown>;
    expect(doc).toMatchObject({ accountId: '111122223333', instanceId: 'i-1234567890abcdef0', region: 'eu-west-1', availabilityZone: 'eu-west-1b' });
    expect((await get('/latest/meta-data/')).split('\n')).toEqual(expect.arrayContaining(['ami-id', 'instance-id', 'placement/', 'network/', 'tags/']));
    expect((await call(aws, 'GET', '/latest/meta-data/iam/info')).status).toBe(404);
    expect((await call(aws, 'POST', '/latest/meta-data/instance-id')).status).toBe(405);
  });

  it('lists instance tags in their order when instance metadata tags are on; 404 when off or when there are none', async () => {
    const aws = await start({ imds: { tags: { Name: 'web-1', team: 'payments', 'aws:autoscaling:groupName': 'web' } } });
    expect(await call(aws, 'GET', '/latest/meta-data/tags/instance')).toEqual({ status: 200, body: 'Name\nteam\naws:autoscaling:groupName' });
    expect(await call(aws, 'GET', '/latest/meta-data/tags/instance/team')).toEqual({ status: 200, body: 'payments' });
    expect((await call(aws, 'GET', '/latest/meta-data/tags/instance/nope')).status).toBe(404);
    const off = await start({ imds: { instanceMetadataTags: false } });
    expect((await call(off, 'GET', '/latest/meta-data/tags/instance')).status).toBe(404);
    expect((await call(off, 'GET', '/latest/meta-data/tags/instance/Name')).status).toBe(404);
    const none = await start({ imds: { tags: {} } });
    expect((await call(none, 'GET', '/latest/meta-data/tags/instance')).status).toBe(404);
    const defaults = await start();
    expect((await call(defaults, 'GET', '/latest/meta-data/tags/instance')).body).toBe(Object.keys(DEFAULT_IMDS_INSTANCE.tags).join('\n'));
  });

  it('leaves the AWS APIs on the same port alone', async () => {
    const aws = await start();
    const res = await fetch(aws.endpoint, { method: 'POST', headers: { 'x-amz-target': 'Logs_20140328.Nope', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(aws.store.imdsRequests()).toEqual([]);
  });
});
