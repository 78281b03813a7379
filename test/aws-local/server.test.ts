import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../src/aws-local/server.js';
import { useAwsLocal } from './clients.js';

const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKIDRAW/20260101/eu-west-1/logs/aws4_request, SignedHeaders=host, Signature=abc';

describe('aws-local HTTP endpoint', () => {
  const start = useAwsLocal();

  async function post(endpoint: string, headers: Record<string, string>, body: string) {
    const res = await fetch(endpoint, { method: 'POST', headers, body });
    return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), requestId: res.headers.get('x-amzn-requestid'), body: await res.text() };
  }

  it('requires an Authorization header (MissingAuthenticationTokenException) and records its access key id', async () => {
    const { aws } = await start();
    const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.CreateLogGroup' };
    const missing = await post(aws.endpoint, json, '{"logGroupName":"g"}');
    expect(missing).toMatchObject({ status: 400, errorType: 'MissingAuthenticationTokenException' });
    expect(JSON.parse(missing.body)).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const ok = await post(aws.endpoint, { ...json, authorization: SIGNED }, '{"logGroupName":"g"}');
    expect(ok).toMatchObject({ status: 200, body: '{}', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const sts = await post(aws.endpoint, { 'content-type': 'application/x-www-form-urlencoded' }, 'Action=AssumeRole&Version=2011-06-15');
    expect(sts.status).toBe(400);
    expect(sts.body).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(aws.store.logGroups().map((g) => g.name)).toEqual(['g']);
    expect(aws.store.calls('CreateLogGroup').map((c) => c.accessKeyId)).toEqual([undefined, 'AKIDRAW']);
    expect(aws.store.accessKeyIds()).toEqual(['AKIDRAW']);
  });

  it('answers unknown operations and bad JSON as AWS does', async () => {
    const { aws } = await start();
    const unknown = await post(aws.endpoint, { 'x-amz-target': 'Logs_20140328.DeleteEverything', authorization: SIGNED }, '{}');
    expect(unknown).toMatchObject({ status: 400, errorType: 'UnknownOperationException' });
    const bad = await post(aws.endpoint, { 'x-amz-target': 'Firehose_20150804.PutRecord', authorization: SIGNED }, '{nope');
    expect(bad).toMatchObject({ status: 400, errorType: 'SerializationException' });
    const neither = await post(aws.endpoint, { authorization: SIGNED }, '');
    expect(neither).toMatchObject({ status: 400, errorType: 'UnknownOperationException' });
  });

  it('reads access key id and region from a SigV4 Authorization header', () => {
    expect(parseAuthorization(SIGNED)).toEqual({ accessKeyId: 'AKIDRAW', region: 'eu-west-1' });
    expect(parseAuthorization('Bearer x')).toBeUndefined();
  });
});
