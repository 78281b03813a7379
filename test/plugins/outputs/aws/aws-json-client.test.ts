import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startAwsLocal, type AwsLocal } from '../../../../src/aws-local/index.js';
import { OUTPUT_COMMON } from '../../../../src/options/common.js';
import { awsClientConfig, isServiceError, toDeliveryError, type AwsOptions } from '../../../../src/plugins/outputs/shared/aws-client.js';
import { CachedCredentials } from '../../../../src/plugins/outputs/shared/aws-credentials.js';
import { AwsJsonClient, BodyUse, CLOUDWATCH_LOGS_SERVICE, FIREHOSE_SERVICE } from '../../../../src/plugins/outputs/shared/aws-json-client.js';
import { errorCode } from '../../../../src/plugins/outputs/shared/aws-json-errors.js';
import { tableOptions } from '../../../support/check.js';
import { rejection } from '../../../aws-local/clients.js';
import { LOCAL_CREDENTIALS } from './use-aws-local.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

function client(endpoint: string, given: Partial<AwsOptions> = {}, service = FIREHOSE_SERVICE): AwsJsonClient {
  Object.assign(process.env, LOCAL_CREDENTIALS);
  const config = awsClientConfig({ ...tableOptions(OUTPUT_COMMON), region: 'us-east-1', endpoint, ...given }, 'json-client-test');
  const sdk = service === FIREHOSE_SERVICE ? new FirehoseClient(config) : new CloudWatchLogsClient(config);
  const c = new AwsJsonClient(config, service, sdk);
  open.push({ close: () => (c.destroy(), sdk.destroy()) });
  return c;
}

async function local(faults?: string): Promise<AwsLocal> {
  const aws = await startAwsLocal({ seed: 1, ...(faults !== undefined ? { faults } : {}) });
  open.push(aws);
  return aws;
}

/** A server answering every request with `answer`; counts the requests. */
async function answering(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ endpoint: string; requests: () => number }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    n++;
    req.resume().on('end', () => answer(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise((r) => server.close(r)) });
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n };
}

const body = JSON.stringify({ DeliveryStreamName: 's', Records: [{ Data: Buffer.from('x').toString('base64') }] });

describe('the AWS JSON-1.1 data-plane client', () => {
  it("errors carry the SDK's name, status and fault, so toDeliveryError and isServiceError read them as before", async () => {
    const aws = await local();
    const err = await rejection(client(aws.endpoint, {}, CLOUDWATCH_LOGS_SERVICE).send('PutLogEvents', JSON.stringify({ logGroupName: 'none', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'm' }] })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect((err as { $fault?: string }).$fault).toBe('client');
    expect(isServiceError(err, 'ResourceNotFoundException')).toBe(true);
    const d = toDeliveryError(err, 'PutLogEvents');
    expect(d.retryable).toBe(false);
    expect(d.serviceError).toBe('ResourceNotFoundException');
    expect(d.message).toMatch(/^PutLogEvents failed: ResourceNotFoundException: The specified log group does not exist/);
  });

  it('reads the error code as the SDK does: x-amzn-ErrorType first, else the body (namespace# and :suffix stripped), message or Message', async () => {
    expect(errorCode('com.amazon.coral.service#ThrottlingException:http://internal')).toBe('ThrottlingException');
    expect(errorCode('ServiceUnavailableException,Other')).toBe('ServiceUnavailableException');
    const byBody = await answering((_req, res) => res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'aws.firehose#InvalidArgumentException', Message: 'bad' })));
    const e1 = await rejection(client(byBody.endpoint, { auto_retry_requests: false }).send('PutRecordBatch', body));
    expect([e1.name, e1.message, e1.$metadata?.httpStatusCode]).toEqual(['InvalidArgumentException', 'bad', 400]);
    const byHeader = await answering((_req, res) => res.writeHead(503, { 'x-amzn-errortype': 'ServiceUnavailableException:http://x' }).end('{"message":"slow down"}'));
    const e2 = await rejection(client(byHeader.endpoint, { auto_retry_requests: false }).send('PutRecordBatch', body));
    expect([e2.name, e2.message, (e2 as { $fault?: string }).$fault]).toEqual(['ServiceUnavailableException', 'slow down', 'server']);
    expect(toDeliveryError(e2, 'PutRecordBatch').retryable).toBe(true);
    const nameless = await answering((_req, res) => res.writeHead(502).end('<html>bad gateway</html>'));
    const e3 = await rejection(client(nameless.endpoint, { auto_retry_requests: false }).send('PutRecordBatch', body));
    expect([e3.name, e3.$metadata?.httpStatusCode, toDeliveryError(e3, 'X').retryable]).toEqual(['502', 502, true]);
  });

  it('auto_retry_requests: one immediate retry of a throttled or failed request, none when off, none for an error retrying cannot fix', async () => {
    const aws = await local('throttle=1');
    const err = await rejection(client(aws.endpoint).send('PutRecordBatch', body));
    expect(err.name).toBe('ServiceUnavailableException');
    expect(aws.store.requests('PutRecordBatch')).toBe(2);
    await rejection(client(aws.endpoint, { auto_retry_requests: false }).send('PutRecordBatch', body));
    expect(aws.store.requests('PutRecordBatch')).toBe(3);
    const invalid = await answering((_req, res) => res.writeHead(400, { 'x-amzn-errortype': 'InvalidArgumentException' }).end('{}'));
    await rejection(client(invalid.endpoint).send('PutRecordBatch', body));
    expect(invalid.requests()).toBe(1);
  });

  it('network errors keep their code; a request timeout is a TimeoutError; both are retryable deliveries', async () => {
    const closed = await answering(() => undefined);
    const port = new URL(closed.endpoint).port;
    await open.pop()!.close();
    const refused = await rejection(client(`http://127.0.0.1:${port}`, { auto_retry_requests: false }).send('PutRecordBatch', body));
    expect((refused as { code?: string }).code).toBe('ECONNREFUSED');
    expect(toDeliveryError(refused, 'PutRecordBatch').retryable).toBe(true);
    const silent = await answering(() => undefined);
    const timedOut = await rejection(client(silent.endpoint, { 'net.io_timeout': 200 }).send('PutRecordBatch', body));
    expect(timedOut.name).toBe('TimeoutError');
    expect(silent.requests()).toBe(2);
    expect(toDeliveryError(timedOut, 'PutRecordBatch')).toMatchObject({ retryable: true, serviceError: 'TimeoutError' });
  });

  it('a body (BodyUse) is released once, when its sender is done with it and every request that sent it has closed, timed out ones too', async () => {
    const released: string[] = [];
    const ok = await answering((_req, res) => res.end('{}'));
    const answered = new BodyUse(() => released.push('answered'));
    await client(ok.endpoint).send('PutRecordBatch', body, answered);
    await new Promise((r) => setImmediate(r));
    expect(released).toEqual([]); // its sender may still send it again
    answered.finish();
    await vi.waitFor(() => expect(released).toEqual(['answered']));
    // Two attempts, both timed out: the body is released after the second request closed.
    const silent = await answering(() => undefined);
    const timedOut = new BodyUse(() => released.push('timed out'));
    const err = await rejection(client(silent.endpoint, { 'net.io_timeout': 200 }).send('PutRecordBatch', body, timedOut));
    expect(err.name).toBe('TimeoutError');
    timedOut.finish();
    timedOut.finish();
    await vi.waitFor(() => expect(released).toEqual(['answered', 'timed out']));
    expect(silent.requests()).toBe(2);
  });

  it('signs the session token header; the answer is the parsed JSON', async () => {
    const aws = await local();
    Object.assign(process.env, { AWS_SESSION_TOKEN: 'token-1' });
    try {
      const answer = (await client(aws.endpoint).send('PutRecordBatch', body)) as { FailedPutCount: number; RequestResponses: unknown[] };
      expect(answer.FailedPutCount).toBe(0);
      expect(answer.RequestResponses).toHaveLength(1);
      const call = aws.store.calls('PutRecordBatch')[0]!;
      expect(call.headers['x-amz-security-token']).toBe('token-1');
      expect(call.headers['authorization']).toMatch(/SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);
      expect(call.signature).toBe('verified');
    } finally {
      delete process.env['AWS_SESSION_TOKEN'];
    }
  });

  it("signs on the service's clock: a request refused for a clock an hour off is corrected from the answer's Date", async () => {
    const aws = await startAwsLocal({ seed: 1, clockSkewSeconds: 3600 });
    open.push(aws);
    // The SDK itself is refused as AWS refuses it (one attempt: its own skew correction retries).
    const sdk = new FirehoseClient({ ...awsClientConfig({ ...tableOptions(OUTPUT_COMMON), region: 'us-east-1', endpoint: aws.endpoint }, 't'), maxAttempts: 1 });
    open.push({ close: () => sdk.destroy() });
    const refused = await rejection(sdk.send(new PutRecordBatchCommand({ DeliveryStreamName: 's', Records: [{ Data: Buffer.from('x') }] })));
    expect([refused.name, refused.message]).toEqual(['InvalidSignatureException', expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than /)]);

    // auto_retry_requests: the second attempt, signed an hour later, passes.
    const answer = (await client(aws.endpoint).send('PutRecordBatch', body)) as { FailedPutCount: number };
    expect(answer.FailedPutCount).toBe(0);
    expect(aws.store.calls('PutRecordBatch').map((c) => c.signature)).toEqual(['refused', 'refused', 'verified']);

    // Without it the refusal is the chunk's (retryable), and the client's next request passes.
    const once = client(aws.endpoint, { auto_retry_requests: false });
    const first = await rejection(once.send('PutRecordBatch', body));
    expect(toDeliveryError(first, 'PutRecordBatch')).toMatchObject({ retryable: true, serviceError: 'InvalidSignatureException' });
    expect(((await once.send('PutRecordBatch', body)) as { FailedPutCount: number }).FailedPutCount).toBe(0);
    const signedAt = aws.store.calls('PutRecordBatch').at(-1)!.headers['x-amz-date']!;
    const hour = Date.parse(signedAt.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z')) - Date.now();
    expect(Math.abs(hour - 3_600_000)).toBeLessThan(60_000);
  });
});

describe('credentials kept between requests', () => {
  it('are reused until 5 minutes before they expire, then fetched once for all waiting callers; a failed fetch is not kept', async () => {
    let now = 0;
    let fetches = 0;
    let fail = false;
    const cache = new CachedCredentials(async () => {
      fetches++;
      if (fail) throw new Error('no credentials');
      return { accessKeyId: `AK${fetches}`, secretAccessKey: 's', expiration: new Date(now + 15 * 60_000) };
    }, () => now);
    expect((await cache.get()).accessKeyId).toBe('AK1');
    now += 9 * 60_000;
    expect((await cache.get()).accessKeyId).toBe('AK1');
    now += 2 * 60_000; // 4 minutes left: fetched again, once for both callers
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect([a.accessKeyId, b.accessKeyId, fetches]).toEqual(['AK2', 'AK2', 2]);
    now += 14 * 60_000;
    fail = true;
    await expect(cache.get()).rejects.toThrow('no credentials');
    fail = false;
    expect((await cache.get()).accessKeyId).toBe('AK4');
  });

  it('without an expiry are fetched once', async () => {
    let fetches = 0;
    const cache = new CachedCredentials(async () => ({ accessKeyId: `AK${++fetches}`, secretAccessKey: 's' }));
    await cache.get();
    await cache.get();
    expect(fetches).toBe(1);
  });
});
