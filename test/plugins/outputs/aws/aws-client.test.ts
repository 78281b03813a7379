import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../../src/errors.js';
import { OUTPUT_COMMON } from '../../../../src/options/common.js';
import { awsClientConfig, endpointUrl, toDeliveryError, type AwsOptions } from '../../../../src/plugins/outputs/shared/aws-client.js';
import { tableOptions } from '../../../support/check.js';
import { ChunkProgress, chunkKey } from '../../../../src/plugins/outputs/shared/chunk-progress.js';
import { formatTimeKey } from '../../../../src/plugins/outputs/kinesis_firehose/time-key.js';

const sdkError = (name: string, status: number | undefined, fault?: 'client' | 'server') =>
  Object.assign(new Error(`${name} happened`), { name, ...(fault ? { $fault: fault } : {}), $metadata: status === undefined ? {} : { httpStatusCode: status } });

/** An AWS output's options as the plan gives them: the common keys' defaults, with `given` set. */
const aws = (given: Partial<AwsOptions> & Pick<AwsOptions, 'region'>): AwsOptions => ({ ...tableOptions(OUTPUT_COMMON), ...given });

describe('shared AWS client setup', () => {
  it('takes the endpoint as a URL or as a host (https), as Fluent Bit takes a host', () => {
    expect(endpointUrl('http://127.0.0.1:4566')).toBe('http://127.0.0.1:4566');
    expect(endpointUrl('https://logs.eu-west-1.amazonaws.com/')).toBe('https://logs.eu-west-1.amazonaws.com');
    expect(endpointUrl('logs.eu-west-1.amazonaws.com')).toBe('https://logs.eu-west-1.amazonaws.com');
    expect(endpointUrl(undefined)).toBeUndefined();
    expect(endpointUrl('  ')).toBeUndefined();
  });

  it('auto_retry_requests is one SDK retry (2 attempts), off is none; extra_user_agent is appended', () => {
    expect(awsClientConfig(aws({ region: 'r' }), 's')).toMatchObject({ region: 'r', maxAttempts: 2 });
    expect(awsClientConfig(aws({ region: 'r', auto_retry_requests: false, extra_user_agent: 'ci/1' }), 's')).toMatchObject({ maxAttempts: 1, customUserAgent: 'ci/1' });
    expect(awsClientConfig(aws({ region: 'r' }), 's')).not.toHaveProperty('endpoint');
  });

  it('net.connect_timeout, net.io_timeout (enforced, 60 s when 0), net.keepalive, net.source_address and net.max_worker_connections shape the connections', () => {
    const byDefault = awsClientConfig(aws({ region: 'r' }), 's').requestHandler;
    expect(byDefault).toMatchObject({ connectionTimeout: 10_000, requestTimeout: 60_000, throwOnRequestTimeout: true, httpAgent: { keepAlive: true } });
    expect(byDefault.httpAgent).not.toHaveProperty('maxSockets');
    const set = awsClientConfig(aws({ region: 'r', 'net.connect_timeout': 3000, 'net.io_timeout': 7000, 'net.keepalive': false, 'net.source_address': '127.0.0.2', 'net.max_worker_connections': 4, 'tls.verify': false }), 's').requestHandler;
    expect(set).toMatchObject({ connectionTimeout: 3000, requestTimeout: 7000, httpAgent: { keepAlive: false, localAddress: '127.0.0.2', maxSockets: 4 } });
    expect(set.httpsAgent).toMatchObject({ keepAlive: false, localAddress: '127.0.0.2', maxSockets: 4, rejectUnauthorized: false });
  });

  it('maps SDK errors: throttling, 5xx, network and credentials retry; other 4xx drop', () => {
    const cases: [unknown, boolean][] = [
      [sdkError('ThrottlingException', 400, 'client'), true],
      [sdkError('ServiceUnavailableException', 500, 'server'), true],
      [sdkError('InternalFailure', 500, 'server'), true],
      [sdkError('Whatever', 503, 'server'), true],
      [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), true],
      [sdkError('ExpiredTokenException', 400, 'client'), true],
      [sdkError('InvalidParameterException', 400, 'client'), false],
      [sdkError('ValidationException', 400, 'client'), false],
      [sdkError('ResourceNotFoundException', 400, 'client'), false],
    ];
    for (const [err, retryable] of cases) {
      const d = toDeliveryError(err, 'PutLogEvents');
      expect(d, String(err)).toBeInstanceOf(DeliveryError);
      expect(d.retryable, String(err)).toBe(retryable);
      expect(d.name).toBe('DeliveryError');
      expect(d.code).toBe('LOGFERRY_DELIVERY');
      expect(d.cause).toBe(err);
      expect(d.message).toMatch(/^PutLogEvents failed: /);
    }
    expect(toDeliveryError(sdkError('ThrottlingException', 400, 'client'), 'X').serviceError).toBe('ThrottlingException');
  });
});

describe('per-chunk progress', () => {
  it('keys chunks by the engine id, else by the events array; forgets them when done or dropped by Retry_Limit', () => {
    const events: object[] = [];
    expect(chunkKey({ events, id: 'mem:3' })).toBe('mem:3');
    expect(chunkKey({ events })).toBe(events);
    // Retry_Limit 1: the engine's first attempt leaves one retry, the second none.
    const p = new ChunkProgress<{ n: number }>();
    const a = p.begin('a', () => ({ n: 1 }));
    expect(a).toMatchObject({ seq: 0 });
    a.state.n = 2;
    p.end('a', false, { attempt: 1, retriesLeft: 1 });
    const again = p.begin('a', () => ({ n: 9 }));
    expect(again).toMatchObject({ seq: 0, state: { n: 2 } });
    p.end('a', false, { attempt: 2, retriesLeft: 0 });
    expect(p.size).toBe(0);
    p.begin('b', () => ({ n: 1 }));
    p.end('b', true, { attempt: 1, retriesLeft: 1 });
    expect(p.size).toBe(0);
  });

  it('forgets a chunk the engine says it is done with (dropped, kept on disk), not before', () => {
    const p = new ChunkProgress<number>();
    p.begin('old', () => 1);
    p.end('old', false, { attempt: 1, retriesLeft: Number.POSITIVE_INFINITY });
    p.begin('new', () => 2);
    expect([...p.pending()].map((e) => e.state)).toEqual([1, 2]);
    p.forget('old');
    expect([...p.pending()].map((e) => e.state)).toEqual([2]);
  });
});

describe('time_key_format', () => {
  it('formats UTC with strftime plus %3N, %9N and %L', () => {
    const t = 1_700_000_000_007_000_009n;
    expect(formatTimeKey('%Y-%m-%dT%H:%M:%S', t)).toBe('2023-11-14T22:13:20');
    expect(formatTimeKey('%s.%3N %9N %L %% %a %A %B %e %I %p %y %Z %z %F %T %q', t)).toBe('1700000000.007 007000009 007000009 % Tue Tuesday November 14 10 PM 23 UTC +0000 2023-11-14 22:13:20 %q');
  });
});
