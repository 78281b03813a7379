import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ImdsClient, ImdsStatusError, ImdsUnreachableError, imdsEndpoint } from '../../../../src/plugins/filters/aws/imds-client.js';
import { parseTagKeys } from '../../../../src/plugins/filters/aws/options.js';
import { filterSection, runFilters } from '../filter-harness.js';

type Seen = { method: string; path: string; token: string | undefined; ttl: string | undefined };

/** A scripted IMDS on loopback: `answer` decides each reply; every request is recorded. */
async function fakeImds(answer: (req: IncomingMessage, seen: Seen[]) => [number, string]) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const token = req.headers['x-aws-ec2-metadata-token'];
    const ttl = req.headers['x-aws-ec2-metadata-token-ttl-seconds'];
    seen.push({ method: req.method ?? '', path: req.url ?? '', token: typeof token === 'string' ? token : undefined, ttl: typeof ttl === 'string' ? ttl : undefined });
    const [status, body] = answer(req, seen);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const servers: ReturnType<typeof createServer>[] = [];
const savedEnv = process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  if (savedEnv === undefined) delete process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'];
  else process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = savedEnv;
});

describe('IMDS client', () => {
  it('finds the endpoint as the AWS SDKs do', () => {
    expect(imdsEndpoint({})).toBe('http://169.254.169.254');
    expect(imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:4566/' })).toBe('http://127.0.0.1:4566');
    expect(imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' })).toBe('http://[fd00:ec2::254]');
    expect(imdsEndpoint({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://[::1]:8080', AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' })).toBe('http://[::1]:8080');
  });

  it('v2: a 401 (expired token) fetches a new token and repeats the GET once', async () => {
    let issued = 0;
    const imds = await fakeImds((req) => {
      if (req.method === 'PUT') return [200, `token-${++issued}`];
      return req.headers['x-aws-ec2-metadata-token'] === `token-${issued}` && issued >= 2 ? [200, 'i-1'] : [401, ''];
    });
    const client = new ImdsClient(imds.endpoint, 'v2');
    expect(await client.get('/latest/meta-data/instance-id/')).toBe('i-1');
    expect(imds.seen).toEqual([
      { method: 'PUT', path: '/latest/api/token', token: undefined, ttl: '21600' },
      { method: 'GET', path: '/latest/meta-data/instance-id/', token: 'token-1', ttl: undefined },
      { method: 'PUT', path: '/latest/api/token', token: undefined, ttl: '21600' },
      { method: 'GET', path: '/latest/meta-data/instance-id/', token: 'token-2', ttl: undefined },
    ]);
    // The token is kept for the next requests.
    expect(await client.get('/latest/meta-data/instance-id/')).toBe('i-1');
    expect(imds.seen).toHaveLength(5);
  });

  it('a failed or empty token answer, a non-200 answer and a refused connection are typed errors', async () => {
    const imds = await fakeImds((req) => (req.method === 'PUT' ? [200, ''] : [404, 'Not Found']));
    await expect(new ImdsClient(imds.endpoint, 'v2').get('/latest/meta-data/instance-id/')).rejects.toBeInstanceOf(ImdsStatusError);
    const v1 = new ImdsClient(imds.endpoint, 'v1').get('/latest/meta-data/tags/instance');
    await expect(v1).rejects.toMatchObject({ name: 'ImdsStatusError', status: 404 });
    await expect(new ImdsClient('http://127.0.0.1:1', 'v1').get('/latest/meta-data/instance-id/')).rejects.toBeInstanceOf(ImdsUnreachableError);
  });

  it("account_id is the identity document's accountId, 'NULL' when it has none (as Fluent Bit writes it)", async () => {
    const imds = await fakeImds((req) => (req.method === 'PUT' ? [200, 't'] : [200, '{"instanceId":"i-1","region":"us-east-1"}']));
    process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = imds.endpoint;
    const { records, run } = await runFilters(filterSection('aws', ['az off', 'ec2_instance_id off', 'account_id on']), [{ log: 'x' }]);
    expect(records).toEqual([{ log: 'x', account_id: 'NULL' }]);
    expect(run.logs.join('')).toMatch(/accountId is undefined in EC2 instance/);
  });

  it('a tag value that cannot be read fails the whole tag group (no tag added, counted, retried later)', async () => {
    const imds = await fakeImds((req) => {
      if (req.method === 'PUT') return [200, 't'];
      if (req.url === '/latest/meta-data/tags/instance') return [200, 'Name\nteam'];
      if (req.url === '/latest/meta-data/tags/instance/Name') return [200, 'web'];
      return [500, 'oops'];
    });
    process.env['AWS_EC2_METADATA_SERVICE_ENDPOINT'] = imds.endpoint;
    const { records, run } = await runFilters(filterSection('aws', ['az off', 'ec2_instance_id off', 'tags_enabled on']), [{ log: 'x' }]);
    expect(records).toEqual([{ log: 'x' }]);
    expect(run.pipeline.metrics().filter['aws.0']?.counters['imds_errors']).toBe(1);
  });
});

describe('tags_include / tags_exclude values', () => {
  it('split on commas, empty items skipped, compared exactly (spaces warned about)', () => {
    expect(parseTagKeys('Name,team,,env')).toEqual({ ok: true, value: ['Name', 'team', 'env'] });
    expect(parseTagKeys('')).toEqual({ ok: true, value: [] });
    const spaced = parseTagKeys('Name, team');
    expect(spaced.ok && spaced.value).toEqual(['Name', ' team']);
    expect(spaced.ok && spaced.warning).toMatch(/' team' keeps the spaces/);
  });
});
