import { createServer as createNetServer, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAwsLocal, type AwsLocal, type ImdsOptions } from '../../../../src/aws-local/index.js';
import { validateClassic } from '../../../../src/config/validate.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { filterSection, runFilters } from '../filter-harness.js';

const ENV = 'AWS_EC2_METADATA_SERVICE_ENDPOINT';
const RECORD = { log: 'hello, from my ec2 instance' };

let saved: string | undefined;
const open: AwsLocal[] = [];
beforeEach(() => {
  saved = process.env[ENV];
});
afterEach(async () => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
  for (const a of open.splice(0)) await a.close();
});

/** A local IMDS (aws-local) that the filter reads through AWS_EC2_METADATA_SERVICE_ENDPOINT. */
async function imds(options: ImdsOptions = {}, port?: number): Promise<AwsLocal> {
  const aws = await startAwsLocal({ imds: options, ...(port === undefined ? {} : { port }) });
  open.push(aws);
  process.env[ENV] = aws.endpoint;
  return aws;
}

async function aws(lines: string[], records: Record<string, unknown>[] = [{ ...RECORD }], options: ImdsOptions = {}) {
  const local = await imds(options);
  const r = await runFilters(filterSection('aws', lines), records);
  return { ...r, local, requests: local.store.imdsRequests() };
}

const counters = (run: ReturnType<typeof capture>) => run.pipeline.metrics().filter['aws.0']?.counters ?? {};

/** A free loopback port with nothing listening on it (for an IMDS that is down). */
async function freePort(): Promise<number> {
  const a = await startAwsLocal();
  const port = a.port;
  await a.close();
  return port;
}

const ALL_ON = ['ec2_instance_type true', 'private_ip true', 'vpc_id true', 'ami_id true', 'account_id true', 'hostname true'];

describe('aws filter', () => {
  it('by default adds az and ec2_instance_id after the record keys, read once with an IMDSv2 token', async () => {
    const { records, requests } = await aws(['imds_version v2'], [{ ...RECORD }, { log: 'second', az: 'mine' }]);
    expect(records.map((r) => Object.entries(r))).toEqual([
      [['log', RECORD.log], ['az', 'us-east-1a'], ['ec2_instance_id', 'i-0a1b2c3d4e5f67890']],
      // A key the record has is appended again by Fluent Bit (read last): here it moves to the end.
      [['log', 'second'], ['az', 'us-east-1a'], ['ec2_instance_id', 'i-0a1b2c3d4e5f67890']],
    ]);
    // One token, then one GET per group in aws.c's order (instance id first), each with the token.
    expect(requests).toEqual([
      { method: 'PUT', path: '/latest/api/token', token: false, status: 200 },
      { method: 'GET', path: '/latest/meta-data/instance-id/', token: true, status: 200 },
      { method: 'GET', path: '/latest/meta-data/placement/availability-zone/', token: true, status: 200 },
    ]);
  });

  it('IMDSv2 works against a v2-only IMDS (httpTokens required)', async () => {
    const { records } = await aws([], [{ ...RECORD }], { httpTokens: 'required' });
    expect(records).toEqual([{ ...RECORD, az: 'us-east-1a', ec2_instance_id: 'i-0a1b2c3d4e5f67890' }]);
  });

  it('imds_version v1 sends plain GETs without a token', async () => {
    const { records, requests } = await aws(['imds_version V1']);
    expect(records).toEqual([{ ...RECORD, az: 'us-east-1a', ec2_instance_id: 'i-0a1b2c3d4e5f67890' }]);
    expect(requests.map((r) => [r.method, r.token])).toEqual([
      ['GET', false],
      ['GET', false],
    ]);
  });

  it('imds_version v1 against a v2-only IMDS: records pass unchanged and the errors are counted', async () => {
    const { records, run } = await aws(['imds_version v1'], [{ ...RECORD }], { httpTokens: 'required' });
    expect(records).toEqual([RECORD]);
    expect(counters(run)['imds_errors']).toBe(2);
    expect(run.logs.filter((l) => l.includes('[ warn]') && l.includes('cannot read EC2 instance metadata'))).toHaveLength(1);
  });

  it('every key switch on: the keys in aws.c order with the instance values', async () => {
    const { records, requests } = await aws(ALL_ON, [{ ...RECORD }], {
      instanceId: 'i-0e66fc7f9809d7168',
      instanceType: 't2.micro',
      privateIp: '10.158.112.84',
      mac: '00:00:5e:00:53:af',
      vpcId: 'vpc-2f09a348',
      amiId: 'ami-5fb8c835',
      accountId: '123456789012',
      hostname: 'ip-10-158-112-84.us-west-2.compute.internal',
      availabilityZone: 'us-west-2b',
    });
    expect(Object.entries(records[0]!)).toEqual([
      ['log', RECORD.log],
      ['az', 'us-west-2b'],
      ['ec2_instance_id', 'i-0e66fc7f9809d7168'],
      ['ec2_instance_type', 't2.micro'],
      ['private_ip', '10.158.112.84'],
      ['vpc_id', 'vpc-2f09a348'],
      ['ami_id', 'ami-5fb8c835'],
      ['account_id', '123456789012'],
      ['hostname', 'ip-10-158-112-84.us-west-2.compute.internal'],
    ]);
    // The VPC id is read through the MAC of the primary interface; the account id from the identity document.
    expect(requests.map((r) => r.path)).toEqual([
      '/latest/api/token',
      '/latest/meta-data/instance-id/',
      '/latest/dynamic/instance-identity/document/',
      '/latest/meta-data/instance-type/',
      '/latest/meta-data/local-ipv4/',
      '/latest/meta-data/mac/',
      '/latest/meta-data/network/interfaces/macs/00:00:5e:00:53:af/vpc-id/',
      '/latest/meta-data/ami-id/',
      '/latest/meta-data/hostname/',
      '/latest/meta-data/placement/availability-zone/',
    ]);
  });

  it('each key switch alone adds only its key (and asks the IMDS only for it)', async () => {
    const want: Record<string, string> = {
      az: 'us-east-1a',
      ec2_instance_id: 'i-0a1b2c3d4e5f67890',
      ec2_instance_type: 'm5.large',
      private_ip: '10.0.1.23',
      vpc_id: 'vpc-0123456789abcdef0',
      ami_id: 'ami-0abcdef1234567890',
      account_id: '000000000000',
      hostname: 'ip-10-0-1-23.ec2.internal',
    };
    for (const [key, value] of Object.entries(want)) {
      const lines = Object.keys(want).map((k) => `${k} ${k === key ? 'On' : 'Off'}`);
      const { records, requests } = await aws(lines);
      expect(records, key).toEqual([{ ...RECORD, [key]: value }]);
      expect(requests.length, key).toBe(key === 'vpc_id' ? 3 : 2);
    }
    // Nothing switched on: no request at all, records untouched.
    const { records, requests } = await aws(['az false', 'ec2_instance_id false']);
    expect(records).toEqual([RECORD]);
    expect(requests).toEqual([]);
  });

  const TAGS = { Name: 'my_ec2_instance', CUSTOMER_ID: '70ec5c04-3a6e-11ed-a261-0242ac120002', 'this-would-be-my-very-long-tag-name-does-it-work': 'yes-it-does' };

  it('tags_enabled adds every instance tag as tag key = value, in IMDS order, after the other keys', async () => {
    const { records } = await aws(['tags_enabled true'], [{ ...RECORD }], { tags: TAGS });
    expect(Object.entries(records[0]!)).toEqual([['log', RECORD.log], ['az', 'us-east-1a'], ['ec2_instance_id', 'i-0a1b2c3d4e5f67890'], ...Object.entries(TAGS)]);
  });

  it('tags_include keeps only the listed tag keys; tags_exclude all but those', async () => {
    const inc = await aws(['az false', 'ec2_instance_id false', 'tags_enabled true', 'tags_include Namee,MyTag,Name'], [{ ...RECORD }], { tags: TAGS });
    expect(inc.records).toEqual([{ ...RECORD, Name: 'my_ec2_instance' }]);
    const exc = await aws(['az false', 'ec2_instance_id false', 'tags_enabled true', 'tags_exclude Name,MyTag'], [{ ...RECORD }], { tags: TAGS });
    expect(Object.keys(exc.records[0]!)).toEqual(['log', 'CUSTOMER_ID', 'this-would-be-my-very-long-tag-name-does-it-work']);
    // Compared exactly, as Fluent Bit does: ' CUSTOMER_ID' (with the space) matches no tag.
    const spaced = await aws(['az false', 'ec2_instance_id false', 'tags_enabled true', 'tags_include Name, CUSTOMER_ID'], [{ ...RECORD }], { tags: TAGS });
    expect(spaced.records).toEqual([{ ...RECORD, Name: 'my_ec2_instance' }]);
  });

  it('tags 404 (tags not exposed): the other keys are added, tags are not asked again, one warning', async () => {
    const local = await imds({ instanceMetadataTags: false });
    const plan = planFrom(`[SERVICE]\n    Flush 0.05\n    Grace 2\n[INPUT]\n    Name lib\n    Tag t\n${filterSection('aws', ['tags_enabled true', 'retry_interval_s 0'])}[OUTPUT]\n    Name lib\n    Match *\n`);
    const run = capture(plan);
    await run.pipeline.start();
    run.pipeline.push([{ ...RECORD }], { tag: 't' });
    run.pipeline.push([{ ...RECORD }], { tag: 't' });
    await run.pipeline.stop();
    expect(run.records()).toEqual([
      { ...RECORD, az: 'us-east-1a', ec2_instance_id: 'i-0a1b2c3d4e5f67890' },
      { ...RECORD, az: 'us-east-1a', ec2_instance_id: 'i-0a1b2c3d4e5f67890' },
    ]);
    expect(local.store.imdsRequests().filter((r) => r.path.startsWith('/latest/meta-data/tags'))).toHaveLength(1);
    expect(run.logs.filter((l) => l.includes('tag request returned 404'))).toHaveLength(1);
    expect(counters(run)['imds_errors'] ?? 0).toBe(0);
  });

  it('enable_entity adds aws_entity_ec2_instance_id and aws_entity_account_id last, even with their own keys off', async () => {
    const { records } = await aws(['enable_entity true', 'ec2_instance_id false'], [{ ...RECORD }], { accountId: '111122223333' });
    expect(Object.entries(records[0]!)).toEqual([
      ['log', RECORD.log],
      ['az', 'us-east-1a'],
      ['aws_entity_ec2_instance_id', 'i-0a1b2c3d4e5f67890'],
      ['aws_entity_account_id', '111122223333'],
    ]);
  });

  it('IMDS down: records pass unchanged and errors are counted; after retry_interval_s the metadata appears once the IMDS is up', async () => {
    const port = await freePort();
    process.env[ENV] = `http://127.0.0.1:${port}`;
    const plan = planFrom(`[SERVICE]\n    Flush 0.05\n    Grace 2\n[INPUT]\n    Name lib\n    Tag t\n${filterSection('aws', ['retry_interval_s 1'])}[OUTPUT]\n    Name lib\n    Match *\n`);
    const run = capture(plan);
    await run.pipeline.start();
    try {
      run.pipeline.push([{ ...RECORD }, { log: 'two' }], { tag: 't' });
      await until(() => run.records().length === 2);
      expect(run.records()).toEqual([RECORD, { log: 'two' }]);
      // Both groups of the round failed (the first could not connect, so the second was not tried).
      expect(counters(run)['imds_errors']).toBe(2);
      const local = await imds({}, port);
      // Within the interval nothing is retried: the records still pass without metadata.
      run.pipeline.push([{ log: 'three' }], { tag: 't' });
      await until(() => run.records().length === 3);
      expect(run.records()[2]).toEqual({ log: 'three' });
      expect(local.store.imdsRequests()).toEqual([]);
      await new Promise((r) => setTimeout(r, 1100));
      run.pipeline.push([{ log: 'four' }], { tag: 't' });
      run.pipeline.push([{ log: 'five' }], { tag: 't' });
      await until(() => run.records().length === 5);
      expect(run.records().slice(3)).toEqual([
        { log: 'four', az: 'us-east-1a', ec2_instance_id: 'i-0a1b2c3d4e5f67890' },
        { log: 'five', az: 'us-east-1a', ec2_instance_id: 'i-0a1b2c3d4e5f67890' },
      ]);
      expect(local.store.imdsRequests()).toHaveLength(3);
      expect(counters(run)['imds_errors']).toBe(2);
      // One warning for the failure, at info when it recovers; nothing was dropped.
      expect(run.logs.filter((l) => l.includes('[ warn]'))).toHaveLength(1);
      expect(run.logs.some((l) => l.includes('EC2 instance metadata read'))).toBe(true);
      expect(run.pipeline.metrics().filter['aws.0']?.dropped).toEqual({});
    } finally {
      await run.pipeline.stop();
    }
  });

  it('an IMDS that accepts connections but never answers times out after 1 s; records pass', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const address = silent.address();
    process.env[ENV] = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const t0 = Date.now();
      const { records, run } = await runFilters(filterSection('aws', []), [{ ...RECORD }]);
      expect(records).toEqual([RECORD]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(counters(run)['imds_errors']).toBe(2);
      expect(run.logs.join('')).toMatch(/no answer within 1000 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('validates: imds_version is v1 or v2; tags_include with tags_exclude is an error with tags_enabled, else a warning', () => {
    const diags = (lines: string[]) =>
      validateClassic(`${process.cwd()}/inline.conf`, {
        text: `[INPUT]\n    Name dummy\n${filterSection('aws', lines)}[OUTPUT]\n    Name null\n    Match *\n`,
        env: {},
      }).diagnostics.map((d) => [d.severity, d.code]);
    expect(diags(['imds_version v3'])).toEqual([['error', 'invalid-value']]);
    expect(diags(['tags_enabled true', 'tags_include a', 'tags_exclude b'])).toEqual([['error', 'conflicting-keys']]);
    expect(diags(['tags_include a', 'tags_exclude b'])).toEqual([['warning', 'conflicting-keys']]);
    expect(diags(['tags_include a, b'])).toEqual([['warning', 'invalid-value']]);
    expect(diags(['az off', 'retry_interval_s 60', 'enable_entity on', 'hostname yes'])).toEqual([]);
  });
});

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}
